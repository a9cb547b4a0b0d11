package io.secretsbroker.spi;

import io.secretsbroker.ConfigurationException;
import java.time.Duration;
import java.util.Map;

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
 * <p>A duration as {@link Configuration#parseDuration} reads it ({@code PT10S}, {@code 500ms}, {@code 10s}); from
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
    Duration d = Configuration.parseDuration(KEY, raw);
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
