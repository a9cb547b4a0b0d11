package io.secretsbroker;

/**
 * The name is not in the allowlist ({@code secrets.allow}). Refused before any network call; add the name to the allowlist and to the function's cloud policy if the access is intended.
 *
 * <p>Unchecked. The message names the secret, the provider and the setting to change; it never
 * contains a secret value.
 */
public class SecretNotAllowedException extends SecretsException {
  private static final long serialVersionUID = 1L;

  public SecretNotAllowedException(String message) {
    super(message);
  }

  public SecretNotAllowedException(String message, Throwable cause) {
    super(message, cause);
  }
}
