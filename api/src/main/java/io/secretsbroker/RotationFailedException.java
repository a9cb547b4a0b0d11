package io.secretsbroker;

/**
 * A rotation did not complete. The secret's current value is the one it had before the rotation started (restored if it had already been replaced), so nothing is lost.
 *
 * <p>Unchecked. The message names the secret, the provider and the setting to change; it never
 * contains a secret value.
 */
public class RotationFailedException extends SecretsException {
  private static final long serialVersionUID = 1L;

  public RotationFailedException(String message) {
    super(message);
  }

  public RotationFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
