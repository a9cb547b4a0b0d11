package io.secretsbroker;

/**
 * The provider could not be reached or answered with a transient failure (throttling, 5xx, timeout, I/O, or an open circuit breaker). Retryable; cached values are served within {@code secrets.cache.max-stale}.
 *
 * <p>Unchecked. The message names the secret, the provider and the setting to change; it never
 * contains a secret value.
 */
public class ProviderUnavailableException extends SecretsException {
  private static final long serialVersionUID = 1L;

  public ProviderUnavailableException(String message) {
    super(message);
  }

  public ProviderUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
