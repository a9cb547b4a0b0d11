package io.secretsbroker.spi;

import io.secretsbroker.SecretsException;

/**
 * The one place names are validated, before any provider is called: not empty, at most
 * {@value #MAX_LENGTH} characters, no control characters, no {@code .} or {@code ..} path segment,
 * no leading or trailing {@code /}, no empty segment. Provider-specific rules (Key Vault's
 * alphabet, Vault's mount) are the provider's to add.
 */
public final class SecretNames {
  public static final int MAX_LENGTH = 512;

  private SecretNames() {}

  /**
   * Returns {@code name} when valid.
   *
   * @throws SecretsException saying what is wrong with the name (the name is not secret)
   */
  public static String validate(String name) {
    if (name == null || name.isEmpty()) {
      throw new SecretsException("A secret name must not be empty. Pass the name of the secret, e.g. \"db\".");
    }
    if (name.length() > MAX_LENGTH) {
      throw new SecretsException("Secret name '" + name.substring(0, 32) + "...' is " + name.length()
          + " characters long; the limit is " + MAX_LENGTH + ".");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        throw new SecretsException("Secret name contains a control character at index " + i
            + " (U+" + String.format("%04X", (int) c) + "). Names are printable text such as \"prod/db\".");
      }
    }
    if (name.startsWith("/") || name.endsWith("/")) {
      throw new SecretsException("Secret name '" + name + "' must not start or end with '/'.");
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty()) {
        throw new SecretsException("Secret name '" + name + "' has an empty path segment ('//').");
      }
      if (segment.equals("..") || segment.equals(".")) {
        throw new SecretsException("Secret name '" + name + "' has a '" + segment
            + "' segment; names cannot step out of their environment or mount.");
      }
    }
    return name;
  }
}
