package io.secretsbroker.ssm;

import io.secretsbroker.InvalidSecretNameException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.spi.SecretNames;

/**
 * How a name the client resolved ({@code prod/db}: environment template applied) becomes a
 * Parameter Store name, and how versions and labels are written.
 *
 * <ul>
 *   <li>A name with a {@code /} is hierarchical: {@code prod/db} is the parameter {@code /prod/db}
 *       (Parameter Store requires a leading {@code /} on every name that has one). A name without
 *       one stays flat: {@code db} is the parameter {@code db}. The mapping is one-to-one.
 *   <li>Parameter Store's alphabet is letters, digits and {@code _ . - /}; anything else is refused
 *       before any call, and so is a name ending in {@value #PENDING_SUFFIX}, which this driver
 *       reserves for rotation candidates.
 *   <li>A version is a number ({@code 3}: the selector {@code /prod/db:3}) or a label
 *       ({@code current}: {@code /prod/db:current}).
 * </ul>
 * Stateless.
 */
final class SsmNames {
  /** The sibling parameter that holds a staged rotation candidate: {@code /prod/db.pending}. */
  static final String PENDING_SUFFIX = ".pending";
  /** How a staged candidate's version id starts: {@code pending:4} is version 4 of the sibling. */
  static final String PENDING_VERSION_PREFIX = "pending:";

  private SsmNames() {}

  /** The Parameter Store name of {@code name}; validates it. */
  static String parameterName(String name) {
    java.util.Objects.requireNonNull(name, "name");
    SecretNames.validate(name);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == '-' || c == '/';
      if (!ok) {
        throw new InvalidSecretNameException("Secret name '" + name + "' contains '" + c + "' at index " + i
            + ", which AWS SSM Parameter Store does not allow. Parameter names use letters, digits and _ . - /"
            + " only; rename the parameter or map the name with secrets.alias.<name>.");
      }
    }
    if (name.endsWith(PENDING_SUFFIX)) {
      throw new InvalidSecretNameException("Secret name '" + name + "' ends in '" + PENDING_SUFFIX + "', which the"
          + " ssm:// provider reserves for rotation candidates (read them with the PENDING stage). Rename the"
          + " parameter.");
    }
    return name.indexOf('/') >= 0 ? "/" + name : name;
  }

  /** The sibling parameter that holds the staged candidate of {@code name}. */
  static String pendingName(String name) {
    return parameterName(name) + PENDING_SUFFIX;
  }

  /**
   * {@code parameter:version} for a version number or label.
   *
   * @throws SecretNotFoundException when {@code version} is neither (no such version can exist)
   */
  static String selector(String name, String parameter, String version) {
    if (!isVersionNumber(version) && !isLabel(version)) {
      throw new SecretNotFoundException("Secret '" + name + "' has no version '" + version + "': Parameter Store"
          + " versions are numbers (3) or labels (letters, digits, . - _, not starting with a digit, aws or ssm).");
    }
    return parameter + ":" + version;
  }

  static boolean isVersionNumber(String v) {
    return v.matches("[1-9][0-9]{0,18}");
  }

  static boolean isLabel(String v) {
    String lower = v.toLowerCase(java.util.Locale.ROOT);
    return v.length() <= 100 && v.matches("[A-Za-z._-][A-Za-z0-9._-]*")
        && !lower.startsWith("aws") && !lower.startsWith("ssm");
  }

  /** The pending version number inside {@code pending:4}, or -1 when it is not of that form. */
  static long pendingVersion(String versionId) {
    if (versionId == null || !versionId.startsWith(PENDING_VERSION_PREFIX)) {
      return -1;
    }
    String n = versionId.substring(PENDING_VERSION_PREFIX.length());
    return isVersionNumber(n) ? Long.parseLong(n) : -1;
  }
}
