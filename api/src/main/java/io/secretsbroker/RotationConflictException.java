package io.secretsbroker;

/**
 * A rotation lost a compare-and-set: another writer promoted a new version after this rotation started. The message names the version that won; this rotation's candidate was discarded (and its target put back where it had been applied), and the winner's value stays current.
 *
 * <p>Unchecked. The message names the secret, the provider and the setting to change; it never
 * contains a secret value.
 */
public class RotationConflictException extends RotationFailedException {
  private static final long serialVersionUID = 1L;

  public RotationConflictException(String message) {
    super(message);
  }

  public RotationConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
