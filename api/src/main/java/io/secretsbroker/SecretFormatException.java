package io.secretsbroker;

/**
 * A secret's value does not have the shape the caller asked for: not JSON, a missing JSON field, or not UTF-8 text. The message names the secret and the field, never the value.
 *
 * <p>Unchecked. The message names the secret, the provider and the setting to change; it never
 * contains a secret value.
 */
public class SecretFormatException extends SecretsException {
  private static final long serialVersionUID = 1L;

  public SecretFormatException(String message) {
    super(message);
  }

  public SecretFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
