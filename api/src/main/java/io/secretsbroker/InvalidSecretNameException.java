package io.secretsbroker;

/**
 * A secret name is malformed (empty, too long, a control or format character, a path traversal): it was refused before any provider call. Fix the name in the code or the configuration.
 *
 * <p>Unchecked. The message names the secret, the provider and the setting to change; it never
 * contains a secret value.
 */
public class InvalidSecretNameException extends SecretsException {
  private static final long serialVersionUID = 1L;

  public InvalidSecretNameException(String message) {
    super(message);
  }

  public InvalidSecretNameException(String message, Throwable cause) {
    super(message, cause);
  }
}
