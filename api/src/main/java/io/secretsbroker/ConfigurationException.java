package io.secretsbroker;

/**
 * The configuration is invalid: an unknown key, scheme or query parameter, a malformed value. The message names the key and the nearest valid alternative.
 *
 * <p>Unchecked. The message names the secret, the provider and the setting to change; it never
 * contains a secret value.
 */
public class ConfigurationException extends SecretsException {
  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
