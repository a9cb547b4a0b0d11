package io.secretsbroker.spi;

import io.secretsbroker.InvalidSecretNameException;
import java.util.Objects;

/**
 * The one place names are validated, before any provider is called: not empty, at most
 * {@value #MAX_LENGTH} characters, no control or invisible format characters (Unicode categories Cc
 * and Cf: {@code \u200B}, the bidirectional overrides {@code \u202E}...), no {@code .} or {@code ..} path segment,
 * no leading or trailing {@code /}, no empty segment. Provider-specific rules (Key Vault's
 * alphabet, Vault's mount) are the provider's to add.
 */
public final class SecretNames {
  public static final int MAX_LENGTH = 512;

  private SecretNames() {}

  /**
   * Returns {@code name} when valid.
   *
   * @throws InvalidSecretNameException saying what is wrong with the name (a name that holds a
   *     value this process has loaded is masked in the message)
   * @throws NullPointerException when {@code name} is null
   */
  public static String validate(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new InvalidSecretNameException("A secret name must not be empty. Pass the name of the secret, e.g. \"db\".");
    }
    if (name.length() > MAX_LENGTH) {
      // not echoed, not even in part: an over-long "name" is often a value pasted by mistake
      throw new InvalidSecretNameException("A secret name is " + name.length()
          + " characters long; the limit is " + MAX_LENGTH + ". Pass the secret's name, not its value.");
    }
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i); // code points: a format character outside the BMP (U+E0001) counts too
      int type = Character.getType(c);
      if (Character.isISOControl(c) || type == Character.FORMAT) {
        throw new InvalidSecretNameException("Secret name contains " + (type == Character.FORMAT
            ? "an invisible format character" : "a control character") + " at index " + i
            + " (U+" + String.format("%04X", c) + "). Names are printable text such as \"prod/db\".");
      }
      i += Character.charCount(c);
    }
    if (name.startsWith("/") || name.endsWith("/")) {
      throw new InvalidSecretNameException("Secret name '" + name + "' must not start or end with '/'.");
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty()) {
        throw new InvalidSecretNameException("Secret name '" + name + "' has an empty path segment ('//').");
      }
      if (segment.equals("..") || segment.equals(".")) {
        throw new InvalidSecretNameException("Secret name '" + name + "' has a '" + segment
            + "' segment; names cannot step out of their environment or mount.");
      }
    }
    return name;
  }
}
