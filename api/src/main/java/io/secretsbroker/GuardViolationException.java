package io.secretsbroker;

/**
 * The guard found a secret where none should be: an environment variable or system property holding a credential. Move it into the secret store and read it with {@code Secrets.get}.
 *
 * <p>Unchecked. The message names the secret, the provider and the setting to change; it never
 * contains a secret value.
 */
public class GuardViolationException extends SecretsException {
  private static final long serialVersionUID = 1L;

  public GuardViolationException(String message) {
    super(message);
  }

  public GuardViolationException(String message, Throwable cause) {
    super(message, cause);
  }
}
