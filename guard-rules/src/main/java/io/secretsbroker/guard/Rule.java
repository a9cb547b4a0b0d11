package io.secretsbroker.guard;

import java.util.Locale;
import java.util.Optional;

/**
 * Every detection rule of the guard, each with a stable id that findings, baselines, SARIF output
 * and {@code docs/guard.md} use.
 *
 * <p>Format rules recognise a credential by its shape wherever it appears (free text, a literal, an
 * environment variable's value). Keyed rules need a name next to the value (a variable, a
 * property key, a YAML key): they say a value assigned to a secret-sounding name is a secret. The
 * remaining rules describe where a secret was found (an environment variable, a read of one).
 *
 * <p>Immutable and thread-safe.
 */
public enum Rule {
  AWS_ACCESS_KEY_ID("aws-access-key-id", "aws", "AWS access key id (AKIA, ASIA, ...)"),
  AWS_SECRET_ACCESS_KEY("aws-secret-access-key", "aws", "AWS secret access key (40 characters next to an AWS secret name)"),
  PRIVATE_KEY("private-key", "private-key", "PEM or OpenSSH private key block"),
  GITHUB_TOKEN("github-token", "github", "GitHub personal, OAuth, app or fine-grained token"),
  GITLAB_TOKEN("gitlab-token", "gitlab", "GitLab personal, deploy, runner or trigger token"),
  SLACK_TOKEN("slack-token", "slack", "Slack bot, user, app or legacy token"),
  SLACK_WEBHOOK("slack-webhook", "slack", "Slack incoming webhook URL"),
  STRIPE_KEY("stripe-key", "stripe", "Stripe secret or restricted key (sk_/rk_ live or test)"),
  GOOGLE_API_KEY("google-api-key", "google", "Google API key (AIza...)"),
  AZURE_CONNECTION_STRING("azure-connection-string", "azure", "Azure connection string with AccountKey= or SharedAccessKey="),
  AZURE_STORAGE_KEY("azure-storage-key", "azure", "Azure storage account key (88 base64 characters next to an account/storage key name)"),
  AZURE_SAS_TOKEN("azure-sas-token", "azure", "Azure shared access signature (sv=...&sig=...)"),
  JWT("jwt", "jwt", "JSON Web Token (three base64url parts, signed)"),
  NPM_TOKEN("npm-token", "npm", "npm access token (npm_...)"),
  PYPI_TOKEN("pypi-token", "pypi", "PyPI upload token (pypi-AgE...)"),
  URL_PASSWORD("url-password", "url-password", "URL with an embedded password (scheme://user:pass@host)"),
  JDBC_PASSWORD("jdbc-password", "jdbc", "JDBC URL or connection string with password= / Password="),
  GENERIC_SECRET("generic-secret", "generic", "Value with high Shannon entropy assigned to a secret-sounding name"),
  HARDCODED_CREDENTIAL("hardcoded-credential", "generic", "Literal passed where a credential is expected (setPassword, getConnection, PBEKeySpec, ...)"),
  ENV_SECRET("env-secret", "runtime", "Environment variable or system property with a secret-sounding name and a real value"),
  AZURE_RESOLVED_SETTING("azure-resolved-setting", "runtime", "App Service connection-string setting holding a plain (resolved) value"),
  JAVA_ENV_SECRET_READ("java-env-secret-read", "java", "Secret read from an environment variable (System.getenv)"),
  JAVA_PROPERTY_SECRET_READ("java-property-secret-read", "java", "Secret read from a system property (System.getProperty)");

  private final String id;
  private final String family;
  private final String title;

  Rule(String id, String family, String title) {
    this.id = id;
    this.family = family;
    this.title = title;
  }

  /** The stable id, for example {@code aws-access-key-id}. */
  public String id() {
    return id;
  }

  /** The family the rule reports under in {@code docs/guard.md}, for example {@code aws}. */
  public String family() {
    return family;
  }

  /** One line saying what the rule finds. */
  public String title() {
    return title;
  }

  /** What to do about a finding, in one sentence. */
  public String fix() {
    return switch (this) {
      case JAVA_ENV_SECRET_READ, JAVA_PROPERTY_SECRET_READ ->
          "Store the secret in the secret store and read it with Secrets.get(\"name\") instead of from the"
              + " environment.";
      case ENV_SECRET, AZURE_RESOLVED_SETTING ->
          "Move the value into the secret store, remove the variable from the function's configuration and"
              + " read it with Secrets.get(\"name\").";
      default -> "Remove the literal, rotate the credential (it is exposed), store it in the secret store and"
          + " read it with Secrets.get(\"name\").";
    };
  }

  /** The rule with this id, if any. */
  public static Optional<Rule> byId(String id) {
    String wanted = id.toLowerCase(Locale.ROOT);
    for (Rule r : values()) {
      if (r.id.equals(wanted)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
