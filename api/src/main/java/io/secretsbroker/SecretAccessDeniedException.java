package io.secretsbroker;

/**
 * The provider refused access to the secret: the platform identity lacks a permission, or the secret is disabled or expired. The message names the permission or role to grant.
 *
 * <p>Unchecked. The message names the secret, the provider and the setting to change; it never
 * contains a secret value.
 */
public class SecretAccessDeniedException extends SecretsException {
  private static final long serialVersionUID = 1L;

  public SecretAccessDeniedException(String message) {
    super(message);
  }

  public SecretAccessDeniedException(String message, Throwable cause) {
    super(message, cause);
  }
}
