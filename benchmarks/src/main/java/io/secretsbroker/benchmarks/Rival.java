package io.secretsbroker.benchmarks;

import com.amazonaws.secretsmanager.caching.SecretCache;
import com.amazonaws.secretsmanager.caching.SecretCacheConfiguration;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The contenders, by the names used as JMH {@code @Param} values and harness arguments.
 *
 * <ul>
 *   <li>{@code secretsbroker}: our {@link SecretsClient} over the testkit's
 *       {@link InMemorySecretProvider} (latency configurable, fetches counted).
 *   <li>{@code caffeine}: a plain Caffeine {@link Cache} ({@code maximumSize(1000)}) read with
 *       {@code getIfPresent}: the floor, nothing can be cheaper on a hit.
 *   <li>{@code caffeine-async}: an {@link AsyncCache} of completed futures with
 *       {@code maximumSize(1000)} and nothing else, read with {@code getIfPresent(key).join()}: what
 *       futures in the map cost without expiry (a diagnostic, not in the default run).
 *   <li>{@code caffeine-async-expiring}: Caffeine configured the way our client configures it (an
 *       {@link AsyncCache} of futures, {@code maximumSize}, a variable {@link Expiry}, a ticker read
 *       from a {@link Clock}), read with {@code getIfPresent(key).join()}. It separates what the
 *       cache configuration costs from what our client adds on top.
 *   <li>{@code caffeine-async-expiring-inline}: the same with {@code executor(Runnable::run)}, so
 *       Caffeine's buffer maintenance runs on the reading thread instead of waking a pool thread:
 *       a diagnostic for where the time of the previous one goes.
 *   <li>{@code caffeine-expiring}: a plain Caffeine {@link Cache} with {@code maximumSize(1000)}
 *       and {@code expireAfterWrite(1h)} on the default ticker ({@code System.nanoTime}): the floor
 *       for our semantics, since a value past its bound must never be served, so a hit must read a
 *       monotonic clock.
 *   <li>{@code diag-ticker} and {@code diag-ticker-counter} (diagnostics for the decomposition): a
 *       plain Caffeine {@link Cache} of a holder with a deadline, read with {@code getIfPresent},
 *       then {@code System.nanoTime() < deadline} (what our expiry check costs), and then also a
 *       {@code LongAdder} bump (our hit counter).
 *   <li>{@code aws-caching}: {@code aws-secretsmanager-caching-java}'s {@link SecretCache} over a
 *       {@link StubSecretsManager}.
 * </ul>
 *
 * <p>Threads: the enum is immutable; each {@link #open} builds an independent contender.
 */
public enum Rival {
  SECRETSBROKER("secretsbroker"),
  CAFFEINE("caffeine"),
  CAFFEINE_ASYNC("caffeine-async"),
  CAFFEINE_ASYNC_EXPIRING("caffeine-async-expiring"),
  CAFFEINE_ASYNC_EXPIRING_INLINE("caffeine-async-expiring-inline"),
  CAFFEINE_EXPIRING("caffeine-expiring"),
  DIAG_TICKER("diag-ticker"),
  DIAG_TICKER_COUNTER("diag-ticker-counter"),
  AWS_CACHING("aws-caching");

  private final String id;

  Rival(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The rival named {@code id} (as in {@link #id()}), case-insensitively. */
  public static Rival of(String id) {
    for (Rival r : values()) {
      if (r.id.equalsIgnoreCase(id) || r.name().equalsIgnoreCase(id)) {
        return r;
      }
    }
    throw new IllegalArgumentException("Unknown rival '" + id + "'; use one of secretsbroker, caffeine,"
        + " caffeine-async, caffeine-async-expiring, caffeine-async-expiring-inline, caffeine-expiring, diag-ticker,"
        + " diag-ticker-counter, aws-caching");
  }

  /**
   * What to build: one secret, how slow its backend is, and how soon a cached value is
   * refreshed. {@code refreshAfter} maps to {@code secrets.cache.refresh-after} for ours and to
   * {@link SecretCacheConfiguration#setCacheItemTTL(long)} for the AWS client; the Caffeine
   * contenders have no backend and ignore both.
   */
  public record Setup(String name, String value, Duration backendLatency, Duration refreshAfter) {
    public static Setup cached(String name, String value) {
      return new Setup(name, value, Duration.ZERO, Duration.ofHours(1));
    }
  }

  /** Builds a cold contender (nothing cached yet). The caller closes it. */
  public SecretReader open(Setup setup) {
    return switch (this) {
      case SECRETSBROKER -> ours(setup);
      case CAFFEINE -> caffeine(setup);
      case CAFFEINE_ASYNC -> caffeineAsync(setup);
      case CAFFEINE_ASYNC_EXPIRING -> caffeineAsyncExpiring(setup, false);
      case CAFFEINE_ASYNC_EXPIRING_INLINE -> caffeineAsyncExpiring(setup, true);
      case CAFFEINE_EXPIRING -> caffeineExpiring(setup);
      case DIAG_TICKER -> diagTicker(setup, false);
      case DIAG_TICKER_COUNTER -> diagTicker(setup, true);
      case AWS_CACHING -> aws(setup);
    };
  }

  private static SecretReader ours(Setup setup) {
    InMemorySecretProvider store = new InMemorySecretProvider()
        .seed(setup.name(), setup.value())
        .latency(setup.backendLatency());
    InFlight provider = new InFlight(store);
    Duration maxStale = setup.refreshAfter().compareTo(Duration.ofHours(1)) > 0
        ? setup.refreshAfter() : Duration.ofHours(1);
    SecretsClient client = SecretsClient.builder()
        .provider(provider)
        .ambientConfiguration(false)
        .properties(Map.of(
            "secrets.cache.refresh-after", setup.refreshAfter().toMillis() + "ms",
            "secrets.cache.max-stale", maxStale.toMillis() + "ms"))
        .build();
    return new Wrapped(client::get, store::callCount, () -> "fetch=" + store.fetchCount(),
        provider.inFlight::get, client::close);
  }

  private static SecretReader caffeine(Setup setup) {
    Cache<String, String> cache = Caffeine.newBuilder().maximumSize(1000).build();
    cache.put(setup.name(), setup.value());
    return Wrapped.noBackend(cache::getIfPresent);
  }

  private static SecretReader caffeineExpiring(Setup setup) {
    Cache<String, String> cache = Caffeine.newBuilder().maximumSize(1000).expireAfterWrite(Duration.ofHours(1)).build();
    cache.put(setup.name(), setup.value());
    return Wrapped.noBackend(cache::getIfPresent);
  }

  /** A cached value with a monotonic deadline, as our entries carry. */
  private record Deadlined(String value, long expiresAt) {}

  private static SecretReader diagTicker(Setup setup, boolean counter) {
    Cache<String, Deadlined> cache = Caffeine.newBuilder().maximumSize(1000).build();
    cache.put(setup.name(), new Deadlined(setup.value(), System.nanoTime() + Duration.ofHours(1).toNanos()));
    if (!counter) {
      return Wrapped.noBackend(name -> {
        Deadlined d = cache.getIfPresent(name);
        return d != null && System.nanoTime() < d.expiresAt() ? d.value() : null;
      });
    }
    java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
    return Wrapped.noBackend(name -> {
      Deadlined d = cache.getIfPresent(name);
      if (d != null && System.nanoTime() < d.expiresAt()) {
        hits.increment();
        return d.value();
      }
      return null;
    });
  }

  private static SecretReader caffeineAsync(Setup setup) {
    AsyncCache<String, String> cache = Caffeine.newBuilder().maximumSize(1000).buildAsync();
    cache.put(setup.name(), CompletableFuture.completedFuture(setup.value()));
    return Wrapped.noBackend(name -> {
      CompletableFuture<String> f = cache.getIfPresent(name);
      return f == null ? null : f.join();
    });
  }

  private static SecretReader caffeineAsyncExpiring(Setup setup, boolean inline) {
    Clock clock = Clock.systemUTC();
    long expiresAt = clock.millis() * 1_000_000L + Duration.ofHours(2).toNanos();
    Caffeine<Object, Object> builder = Caffeine.newBuilder();
    if (inline) {
      builder.executor(Runnable::run);
    }
    AsyncCache<String, String> cache = builder
        .maximumSize(1000)
        .ticker(() -> clock.millis() * 1_000_000L)
        .expireAfter(new Expiry<String, String>() {
          @Override
          public long expireAfterCreate(String key, String value, long currentTime) {
            return Math.max(0, expiresAt - currentTime);
          }

          @Override
          public long expireAfterUpdate(String key, String value, long currentTime, long currentDuration) {
            return Math.max(0, expiresAt - currentTime);
          }

          @Override
          public long expireAfterRead(String key, String value, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .buildAsync();
    cache.put(setup.name(), CompletableFuture.completedFuture(setup.value()));
    return Wrapped.noBackend(name -> {
      CompletableFuture<String> f = cache.getIfPresent(name);
      return f == null ? null : f.join();
    });
  }

  private static SecretReader aws(Setup setup) {
    StubSecretsManager stub = new StubSecretsManager()
        .seed(setup.name(), setup.value())
        .delay(setup.backendLatency());
    SecretCacheConfiguration config = new SecretCacheConfiguration()
        .withClient(stub)
        .withCacheItemTTL(setup.refreshAfter().toMillis());
    SecretCache cache = new SecretCache(config);
    return new Wrapped(cache::getSecretString, stub::totalCalls,
        () -> "describe=" + stub.describeCalls() + " get=" + stub.getSecretValueCalls(), stub::inFlight, cache::close);
  }

  /** A {@link SecretReader} assembled from the contender's own methods. */
  private record Wrapped(Function<String, String> reader, LongSupplier calls, Supplier<String> detail,
      IntSupplier inFlightCalls, Runnable closer) implements SecretReader {
    static Wrapped noBackend(Function<String, String> reader) {
      return new Wrapped(reader, () -> 0, () -> "none", () -> 0, () -> {});
    }

    @Override
    public String get(String name) {
      return reader.apply(name);
    }

    @Override
    public long backendCalls() {
      return calls.getAsLong();
    }

    @Override
    public String backendCallDetail() {
      return detail.get();
    }

    @Override
    public int inFlight() {
      return inFlightCalls.getAsInt();
    }

    @Override
    public void close() {
      closer.run();
    }
  }

  /** Delegates to a provider and counts the calls in progress (so a harness sees a refresh in flight). */
  private static final class InFlight implements SecretProvider {
    private final SecretProvider delegate;
    final AtomicInteger inFlight = new AtomicInteger();

    InFlight(SecretProvider delegate) {
      this.delegate = delegate;
    }

    @Override
    public String id() {
      return delegate.id();
    }

    @Override
    public SecretRecord fetch(String name) {
      inFlight.incrementAndGet();
      try {
        return delegate.fetch(name);
      } finally {
        inFlight.decrementAndGet();
      }
    }

    @Override
    public SecretRecord fetchVersion(String name, String versionId) {
      return delegate.fetchVersion(name, versionId);
    }

    @Override
    public Map<String, SecretRecord> fetchAll(Set<String> names) {
      return delegate.fetchAll(names);
    }

    @Override
    public SecretRecord put(String name, byte[] value) {
      return delegate.put(name, value);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  @Override
  public String toString() {
    return id.toLowerCase(Locale.ROOT);
  }
}
