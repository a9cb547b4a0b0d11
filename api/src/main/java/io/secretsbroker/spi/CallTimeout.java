package io.secretsbroker.spi;

import io.secretsbroker.ConfigurationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The provider call timeout, {@code secrets.provider.call-timeout}: how long one provider call (one
 * request to the store, including its connection) may take before it is abandoned as failed.
 *
 * <p>The portable layer uses it to tell a store outage from a function freeze: a failed refresh that
 * spanned (on the monotonic clock) more than {@link #FREEZE_FACTOR} times this timeout cannot have
 * been a slow store, because the call would have timed out well before; the JVM was frozen (a Lambda
 * between invocations) mid-call, so the call is retried at once instead of being counted as an
 * outage. Drivers that own an HTTP client apply it as their request timeout
 * ({@link ProviderUri#callTimeout()}), which is what bounds a call stuck across a freeze: after the
 * thaw the client's deadline has passed, the call fails, and it is retried.
 *
 * <p>ISO-8601 ({@code PT10S}) or a short form ({@code 500ms}, {@code 10s}, {@code 1m}); from
 * {@link #MIN} to {@link #MAX}; default {@link #DEFAULT}. Stateless and thread-safe.
 */
public final class CallTimeout {
  /** The setting's key. */
  public static final String KEY = "secrets.provider.call-timeout";
  /** The default: 10 seconds. */
  public static final Duration DEFAULT = Duration.ofSeconds(10);
  /** The shortest accepted timeout. */
  public static final Duration MIN = Duration.ofMillis(100);
  /** The longest accepted timeout. */
  public static final Duration MAX = Duration.ofMinutes(10);
  /** A failed call that spanned more than this many call timeouts spanned a freeze. */
  public static final int FREEZE_FACTOR = 2;

  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m)");

  private CallTimeout() {}

  /**
   * The timeout configured in {@code settings} (a map of {@code secrets.*} keys), or the default.
   *
   * @throws ConfigurationException when the value is not a duration or is out of range
   * @throws NullPointerException when {@code settings} is null
   */
  public static Duration from(Map<String, String> settings) {
    java.util.Objects.requireNonNull(settings, "settings");
    String raw = settings.get(KEY);
    if (raw == null || raw.isBlank()) {
      return DEFAULT;
    }
    String v = raw.trim().toLowerCase(Locale.ROOT);
    Duration d;
    Matcher m = SHORT.matcher(v);
    if (m.matches()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw outOfRange(raw);
      }
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        default -> Duration.ofMinutes(Math.min(n, Integer.MAX_VALUE));
      };
    } else {
      try {
        d = Duration.parse(raw.trim());
      } catch (DateTimeParseException e) {
        throw new ConfigurationException(KEY + "=" + raw + " is not a duration. Use ISO-8601 (PT10S) or a short"
            + " form (500ms, 10s, 1m).", e);
      }
    }
    if (d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
      throw outOfRange(raw);
    }
    return d;
  }

  /** {@link #FREEZE_FACTOR} times {@code timeout}, in nanoseconds: a failed call longer than this spanned a freeze. */
  public static long freezeThresholdNanos(Duration timeout) {
    return timeout.toNanos() * FREEZE_FACTOR;
  }

  private static ConfigurationException outOfRange(String raw) {
    return new ConfigurationException(KEY + "=" + raw + " is out of range; use a duration from " + MIN.toMillis()
        + " ms to " + MAX.toMinutes() + " minutes (default " + DEFAULT.toSeconds() + " s).");
  }
}
