package io.secretsbroker;

/**
 * The client was used after {@link SecretsClient#close()}. Build a new client; {@link Secrets} builds a fresh default client on its next call.
 *
 * <p>Unchecked. The message names the secret, the provider and the setting to change; it never
 * contains a secret value.
 */
public class ClientClosedException extends SecretsException {
  private static final long serialVersionUID = 1L;

  public ClientClosedException(String message) {
    super(message);
  }

  public ClientClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
