package io.secretsbroker;

/**
 * The provider has no current value for the secret (it does not exist, was deleted, or the name maps to nothing). Check the name, the environment prefix and the provider's region or vault.
 *
 * <p>Unchecked. The message names the secret, the provider and the setting to change; it never
 * contains a secret value.
 */
public class SecretNotFoundException extends SecretsException {
  private static final long serialVersionUID = 1L;

  public SecretNotFoundException(String message) {
    super(message);
  }

  public SecretNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
