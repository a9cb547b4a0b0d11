package io.secretsbroker;

import java.time.Duration;
import java.util.Optional;

/**
 * The provider could not be reached or answered with a transient failure (throttling, 5xx, timeout, I/O, or an open circuit breaker). Retryable; cached values are served within {@code secrets.cache.max-stale}.
 *
 * <p>A driver that was told how long to wait (an HTTP {@code Retry-After}, a throttling answer's
 * hint) passes it in {@link #ProviderUnavailableException(String, Throwable, Duration)}; the
 * client's retry then waits at least that long (up to {@link #MAX_HONOURED_RETRY_AFTER}) before the
 * next attempt. Drivers do not sleep themselves.
 *
 * <p>Unchecked. The message names the secret, the provider and the setting to change; it never
 * contains a secret value.
 */
public class ProviderUnavailableException extends SecretsException {
  private static final long serialVersionUID = 1L;

  /** The longest {@link #retryAfter()} the client's retry waits for; a longer hint waits this long. */
  public static final Duration MAX_HONOURED_RETRY_AFTER = Duration.ofSeconds(10);

  private final Duration retryAfter;

  public ProviderUnavailableException(String message) {
    this(message, null, null);
  }

  public ProviderUnavailableException(String message, Throwable cause) {
    this(message, cause, null);
  }

  /**
   * @param retryAfter how long the store asked callers to wait before trying again, or null
   */
  public ProviderUnavailableException(String message, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.retryAfter = retryAfter == null || retryAfter.isNegative() ? null : retryAfter;
  }

  /** How long the store asked callers to wait before the next attempt, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
