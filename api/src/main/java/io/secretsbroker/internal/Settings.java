package io.secretsbroker.internal;

import io.secretsbroker.spi.Configuration;
import io.secretsbroker.spi.Suggest;
import io.secretsbroker.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The merged {@code secrets.*} configuration, first found wins: properties given to the builder,
 * system properties, environment variables ({@code secrets.cache.refresh-after} is read from
 * {@code SECRETS_CACHE_REFRESH_AFTER}), then {@code secrets.properties} on the classpath.
 *
 * <p>Every {@code secrets.*} key must be known: a typo fails with the nearest valid key instead of
 * being ignored. Environment variables are checked the same way, except that a {@code SECRETS_*}
 * variable close to no known key is taken to belong to something else and left alone.
 * Configuration holds no secrets, so values may appear in error messages.
 */
public final class Settings {
  public static final String PROVIDER = "secrets.provider";
  public static final String ENV = "secrets.env";
  /** {@code true} or {@code false}: says whether this is production; default from {@link #ENV} ({@code prod*}, {@code prd*}, {@code live*}). */
  public static final String PRODUCTION = "secrets.production";
  public static final String NAME_TEMPLATE = "secrets.name-template";
  public static final String ALLOW = "secrets.allow";
  public static final String REFRESH_AFTER = "secrets.cache.refresh-after";
  public static final String MAX_STALE = "secrets.cache.max-stale";
  public static final String MAX_SIZE = "secrets.cache.max-size";
  public static final String NEGATIVE_TTL = "secrets.cache.negative-ttl";
  public static final String RETRY_MAX_ATTEMPTS = "secrets.retry.max-attempts";
  public static final String RETRY_INITIAL_BACKOFF = "secrets.retry.initial-backoff";
  public static final String BREAKER_FAILURE_RATE = "secrets.breaker.failure-rate";
  public static final String BREAKER_WINDOW = "secrets.breaker.window";
  public static final String BREAKER_WAIT_OPEN = "secrets.breaker.wait-open";
  public static final String GUARD = "secrets.guard";
  public static final String GUARD_ALLOW_ENV = "secrets.guard.allow-env";
  public static final String ALIAS_PREFIX = Configuration.ALIAS_PREFIX;
  /** {@code slf4j} (default) or {@code off}: the built-in audit sink and the discovered ones. */
  public static final String AUDIT = "secrets.audit";
  /** {@code auto} (default: the builder's meter registry), {@code global} (else Micrometer's global registry) or {@code off}. */
  public static final String METRICS = "secrets.metrics";
  /** Distinct names per minute above which an ANOMALY is audited (default 100). */
  public static final String ANOMALY_MAX_DISTINCT = "secrets.anomaly.max-distinct-names-per-minute";
  /** Read by the jdbc module: how long a refused database login retries with refreshed credentials. */
  public static final String JDBC_LOGIN_RETRY = "secrets.jdbc.login-retry";

  /** Names loaded when the client is built, in as few batch calls as the store allows. */
  public static final String PREFETCH = "secrets.prefetch";
  /** Whether a failed prefetch fails the client's start-up (default false). */
  public static final String PREFETCH_REQUIRED = "secrets.prefetch.required";
  /** Whether a due refresh takes along the entries due within the jitter span, in one batch (default true). */
  public static final String REFRESH_BATCH = "secrets.cache.refresh-batch";

  /** How long one provider call may take (default 10 s); see {@link io.secretsbroker.spi.CallTimeout}. */
  public static final String PROVIDER_CALL_TIMEOUT = io.secretsbroker.spi.CallTimeout.KEY;

  private static final Set<String> CORE_KEYS = Set.of(PROVIDER, ENV, PRODUCTION, NAME_TEMPLATE, ALLOW, REFRESH_AFTER,
      MAX_STALE, MAX_SIZE, NEGATIVE_TTL, PREFETCH, PREFETCH_REQUIRED, REFRESH_BATCH, RETRY_MAX_ATTEMPTS,
      RETRY_INITIAL_BACKOFF, BREAKER_FAILURE_RATE, BREAKER_WINDOW, BREAKER_WAIT_OPEN, GUARD, GUARD_ALLOW_ENV, AUDIT,
      METRICS, ANOMALY_MAX_DISTINCT, JDBC_LOGIN_RETRY, PROVIDER_CALL_TIMEOUT);
  private static final Set<String> EXTRA_KEYS = Collections.synchronizedSet(new TreeSet<>());

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /**
   * Registers keys read by optional features (audit, metrics, ...) so validation accepts them.
   * Call from a static initializer of the feature.
   */
  public static void registerKeys(String... keys) {
    EXTRA_KEYS.addAll(List.of(keys));
  }

  /** Every key that validation accepts (aliases aside). */
  public static Set<String> knownKeys() {
    Set<String> all = new TreeSet<>(CORE_KEYS);
    all.addAll(EXTRA_KEYS);
    return all;
  }

  /** Only the given map, validated: for tests and for builders with ambient configuration off. */
  public static Settings of(Map<String, String> explicit) {
    return load(explicit, Map.of(), new Properties(), new Properties());
  }

  /** Explicit properties over the system properties, the environment and secrets.properties. */
  public static Settings load(Map<String, String> explicit) {
    return load(explicit, System.getenv(), System.getProperties(), classpathFile());
  }

  static Settings load(Map<String, String> explicit, Map<String, String> env, Properties system,
      Properties file) {
    Set<String> known = knownKeys();
    Map<String, String> merged = new LinkedHashMap<>();
    // lowest precedence first; later sources overwrite
    for (String key : file.stringPropertyNames()) {
      if (key.startsWith("secrets.")) {
        merged.put(check(key, known, "secrets.properties"), file.getProperty(key).trim());
      }
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("SECRETS_")) {
        continue;
      }
      String key = envToKey(name, known);
      if (key != null) {
        merged.put(key, e.getValue().trim());
      }
    }
    for (String key : system.stringPropertyNames()) {
      if (key.startsWith("secrets.")) {
        merged.put(check(key, known, "system properties"), system.getProperty(key).trim());
      }
    }
    for (Map.Entry<String, String> e : explicit.entrySet()) {
      merged.put(check(e.getKey(), known, "the client's properties"), e.getValue().trim());
    }
    return new Settings(merged);
  }

  private static String check(String key, Set<String> known, String source) {
    if (known.contains(key)) {
      return key;
    }
    if (key.startsWith(ALIAS_PREFIX) && key.length() > ALIAS_PREFIX.length()) {
      return key;
    }
    throw new ConfigurationException("Unknown configuration key '" + key + "' in " + source + ". "
        + Suggest.didYouMean(key, known));
  }

  /** The key for a {@code SECRETS_*} variable, null when it is not ours; throws on a near miss. */
  private static String envToKey(String name, Set<String> known) {
    for (String key : known) {
      if (toEnvName(key).equals(name)) {
        return key;
      }
    }
    Map<String, String> byEnvName = new LinkedHashMap<>();
    for (String key : known) {
      byEnvName.put(toEnvName(key), key);
    }
    String nearest = Suggest.nearest(name, byEnvName.keySet());
    if (nearest != null) {
      throw new ConfigurationException("Unknown environment variable '" + name + "'. Did you mean '"
          + nearest + "' (" + byEnvName.get(nearest) + ")?");
    }
    return null;
  }

  /** {@code secrets.cache.refresh-after} to {@code SECRETS_CACHE_REFRESH_AFTER}. */
  public static String toEnvName(String key) {
    return Configuration.toEnvName(key);
  }

  private static Properties classpathFile() {
    Properties p = new Properties();
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    if (cl == null) {
      cl = Settings.class.getClassLoader();
    }
    try (InputStream in = cl.getResourceAsStream("secrets.properties")) {
      if (in != null) {
        p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new ConfigurationException("Could not read secrets.properties from the classpath: " + e.getMessage(), e);
    }
    return p;
  }

  /** All merged values (configuration holds no secrets). */
  public Map<String, String> asMap() {
    return values;
  }

  public String get(String key) {
    String v = values.get(key);
    return v == null || v.isEmpty() ? null : v;
  }

  public String get(String key, String fallback) {
    String v = get(key);
    return v == null ? fallback : v;
  }

  /** The {@code secrets.alias.*} entries, keyed by the alias name. */
  public Map<String, String> aliases() {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(ALIAS_PREFIX)) {
        out.put(k.substring(ALIAS_PREFIX.length()), v);
      }
    });
    return out;
  }

  public Duration duration(String key, Duration fallback) {
    String v = get(key);
    return v == null ? fallback : parseDuration(key, v);
  }

  public int integer(String key, int fallback, int min, int max) {
    String v = get(key);
    if (v == null) {
      return fallback;
    }
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        throw new ConfigurationException(key + "=" + v + " is out of range; use a whole number from " + min
            + " to " + max + ".");
      }
      return i;
    } catch (NumberFormatException e) {
      throw new ConfigurationException(key + "=" + v + " is not a whole number; use a number from " + min
          + " to " + max + ".", e);
    }
  }

  /** {@link Configuration#parseDuration}: ISO-8601 or {@code 500ms}, {@code 30s}, ...; positive. */
  public static Duration parseDuration(String key, String value) {
    return Configuration.parseDuration(key, value);
  }
}
