package io.secretsbroker.spi;

import io.secretsbroker.ConfigurationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client's configuration rules for integrations that read {@code secrets.*} keys from their
 * own configuration system (the Spring Boot starter, Quarkus): which keys are valid, how a key
 * maps to an environment variable, how durations are written. Using these, an integration validates
 * and parses exactly as the client does.
 *
 * <p>Thread-safe: the key registry is a concurrent set, the rest are pure functions. Failures are
 * {@link ConfigurationException}s that name the key and say how to write it.
 */
public final class Configuration {
  /** The prefix of alias keys: {@code secrets.alias.db=prod/orders/db}. */
  public static final String ALIAS_PREFIX = "secrets.alias.";

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private Configuration() {}

  /**
   * Registers keys an integration reads so the client's validation accepts them instead of failing
   * with "unknown configuration key". Call from a static initializer of the integration.
   *
   * @throws NullPointerException when {@code keys} or one of them is null
   */
  public static void registerKeys(String... keys) {
    Objects.requireNonNull(keys, "keys");
    for (String k : keys) {
      Objects.requireNonNull(k, "keys contains null");
    }
    Implementation.factory().registerKeys(keys);
  }

  /** Every key the client's validation accepts (aliases aside), sorted; a snapshot. */
  public static Set<String> knownKeys() {
    return Implementation.factory().knownKeys();
  }

  /** {@code secrets.cache.refresh-after} to {@code SECRETS_CACHE_REFRESH_AFTER}. */
  public static String toEnvName(String key) {
    Objects.requireNonNull(key, "key");
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * ISO-8601 ({@code PT5M}) or a short form: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h},
   * {@code 1d}. Must be positive.
   *
   * @param key the key the value was read from, named in the error
   * @throws ConfigurationException when the value is not a positive duration
   */
  public static Duration parseDuration(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    String v = value.trim().toLowerCase(Locale.ROOT);
    Duration d;
    Matcher m = SHORT_DURATION.matcher(v);
    if (m.matches()) {
      try {
        long n = Long.parseLong(m.group(1));
        d = switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      } catch (NumberFormatException | ArithmeticException e) {
        throw new ConfigurationException(key + "=" + value + " is too long a duration; use at most a few days.", e);
      }
    } else {
      try {
        d = Duration.parse(value.trim());
      } catch (DateTimeParseException e) {
        throw new ConfigurationException(key + "=" + value + " is not a duration. Use ISO-8601 (PT5M) or a"
            + " short form (500ms, 30s, 5m, 1h, 1d).", e);
      }
    }
    if (d.isNegative() || d.isZero()) {
      throw new ConfigurationException(key + "=" + value + " must be a positive duration.");
    }
    return d;
  }
}
