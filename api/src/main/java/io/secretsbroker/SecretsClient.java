package io.secretsbroker;

import io.secretsbroker.spi.AuditSink;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretsClientFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The portable client: reads secrets through an in-process cache in front of one
 * {@link SecretProvider}. Build one with {@link #fromProperties(Map)} or {@link #builder()}, or use
 * the default one behind {@link Secrets}.
 *
 * <p><b>Caching.</b> The first read of a name loads it from the provider; concurrent first reads
 * of the same name share that one provider call (single flight). Once a value is older than
 * {@code secrets.cache.refresh-after} (jittered per entry), the next read returns it at once and
 * starts one background reload: a caller never waits for the refresh of a value it already has.
 * If reloads fail, the last good value is served until {@code secrets.cache.max-stale} has passed
 * since it was loaded; after that the provider's error is thrown. A not-found answer is remembered
 * for {@code secrets.cache.negative-ttl}.
 *
 * <p><b>Failures</b> are {@link SecretsException}s: transient ones are retried with jittered
 * backoff behind a circuit breaker; not-found, access-denied and bad input are not retried.
 *
 * <p><b>Threads.</b> All methods are safe to call from any number of threads. A read of a cached
 * value takes no lock and does no I/O. Rotation listeners run on the client's executor, never on
 * the caller's thread.
 */
public interface SecretsClient extends AutoCloseable {

  /**
   * A client configured from properties (the keys of {@code secrets.*}; see the README). Keys not
   * given fall back to system properties, environment variables and {@code secrets.properties}.
   *
   * @throws ConfigurationException on an unknown key, scheme or malformed value
   */
  static SecretsClient fromProperties(Map<String, String> properties) {
    return builder().properties(properties).build();
  }

  static Builder builder() {
    return new Builder();
  }

  /** The current value as UTF-8 text (or the configured JSON field, for an alias with {@code #field}). */
  String get(String name);

  /** The current value with its metadata. */
  SecretValue value(String name);

  /**
   * One stage of a secret: {@link VersionStage#CURRENT} is {@link #value(String)};
   * {@link VersionStage#PREVIOUS} and {@link VersionStage#PENDING} are read through the store's
   * version labels or history and cached like current values.
   *
   * @throws SecretNotFoundException when the store has no version in that stage
   */
  SecretValue value(String name, VersionStage stage);

  /**
   * Several secrets at once: cached ones from the cache, the rest in one provider batch where the
   * store allows. Every name must exist.
   *
   * @throws SecretNotFoundException naming the missing names
   */
  Map<String, SecretValue> values(Collection<String> names);

  /**
   * Calls {@code listener} with each new version of {@code name} seen from now on (by a refresh,
   * {@link #refresh}, or {@link #rotate}), once per version, on the client's executor. A listener
   * that throws is logged and does not affect others.
   */
  Subscription onRotate(String name, Consumer<SecretValue> listener);

  /**
   * Writes a new value as current, verifies it, and restores the previous one if verification
   * fails (then throws {@link RotationFailedException}). Returns the new current value.
   */
  SecretValue rotate(String name, Rotation rotation);

  /** Reloads {@code name} from the provider now, waiting for the result. */
  void refresh(String name);

  /** A snapshot of the counters. */
  CacheStats stats();

  /** Wipes cached values, stops background work and closes the provider. Idempotent. */
  @Override
  void close();

  /**
   * Builds a {@link SecretsClient}. Properties given here take precedence over system properties,
   * environment variables and {@code secrets.properties}; a provider given here replaces
   * {@code secrets.provider}. Not thread-safe.
   */
  final class Builder {
    private SecretProvider provider;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private boolean ambient = true;
    private Clock clock = Clock.systemUTC();
    private Ticker ticker;
    private Executor executor;
    private final List<AuditSink> auditSinks = new ArrayList<>();
    private final List<Runnable> closeHooks = new ArrayList<>();
    private Object meterRegistry;

    Builder() {}

    /** Uses this provider instead of {@code secrets.provider}. The client closes it on close. */
    public Builder provider(SecretProvider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** Adds configuration properties ({@code secrets.*} keys). */
    public Builder properties(Map<String, String> properties) {
      this.properties.putAll(Objects.requireNonNull(properties, "properties"));
      return this;
    }

    /** Adds one configuration property. */
    public Builder property(String key, String value) {
      this.properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Whether to also read system properties, environment variables and {@code secrets.properties}
     * (default true). Tests turn it off to be independent of the machine.
     */
    public Builder ambientConfiguration(boolean ambient) {
      this.ambient = ambient;
      return this;
    }

    /**
     * The wall clock, for timestamps shown to people (audit events) and for converting a store's
     * absolute expiry dates; refresh and expiry deadlines use the {@link #ticker(Ticker) ticker}.
     * A clock that also implements {@link Ticker} (the testkit's {@code ManualClock}) is used as
     * the ticker too unless one is set explicitly.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The monotonic time source for ages, refresh-ahead, max-stale and negative-ttl (default
     * {@link Ticker#system()}, i.e. {@link System#nanoTime()}). Tests pass one they move by hand.
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Runs background refreshes and listeners (default: a small pool of daemon threads). */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Adds an audit sink (in addition to the built-in SLF4J sink and those found with
     * {@link java.util.ServiceLoader}). Sinks added here receive events even when
     * {@code secrets.audit=off}.
     */
    public Builder auditSink(AuditSink sink) {
      this.auditSinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /**
     * Publishes metrics to this Micrometer {@code io.micrometer.core.instrument.MeterRegistry}
     * (typed {@code Object} so the API does not need Micrometer; anything else fails at
     * {@link #build()}). Without it there are no metrics, unless {@code secrets.metrics=global}
     * selects Micrometer's global registry; {@code secrets.metrics=off} turns them off either way.
     */
    public Builder meterRegistry(Object registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Runs {@code hook} once, on the thread that closes the client, after the provider is closed
     * (however many threads call {@link SecretsClient#close()}). A hook that throws is logged and
     * does not stop the others.
     */
    public Builder onClose(Runnable hook) {
      this.closeHooks.add(Objects.requireNonNull(hook, "hook"));
      return this;
    }

    public SecretProvider provider() {
      return provider;
    }

    public List<Runnable> closeHooks() {
      return List.copyOf(closeHooks);
    }

    public List<AuditSink> auditSinks() {
      return List.copyOf(auditSinks);
    }

    public Object meterRegistry() {
      return meterRegistry;
    }

    public Map<String, String> properties() {
      return properties;
    }

    public boolean ambientConfiguration() {
      return ambient;
    }

    public Clock clock() {
      return clock;
    }

    public Executor executor() {
      return executor;
    }

    /** The ticker set, else the clock when it is a {@link Ticker}, else {@link Ticker#system()}. */
    public Ticker ticker() {
      if (ticker != null) {
        return ticker;
      }
      return clock instanceof Ticker t ? t : Ticker.system();
    }

    /**
     * @throws ConfigurationException when the configuration is invalid
     */
    public SecretsClient build() {
      return Implementation.FACTORY.build(this);
    }

    /** The implementation, found once with {@link java.util.ServiceLoader} on first build. */
    private static final class Implementation {
      static final SecretsClientFactory FACTORY = load();

      private static SecretsClientFactory load() {
        ClassLoader loader = SecretsClient.class.getClassLoader();
        return java.util.ServiceLoader.load(SecretsClientFactory.class, loader).findFirst()
            .orElseThrow(() -> new ConfigurationException("No SecretsClientFactory found: the secretsbroker-api"
                + " jar is incomplete (META-INF/services/io.secretsbroker.spi.SecretsClientFactory is missing)."
                + " Use the published secretsbroker-api artifact."));
      }
    }
  }
}
