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
  SENDGRID_KEY("sendgrid-key", "sendgrid", "SendGrid API key (SG.<id>.<secret>)"),
  ANTHROPIC_KEY("anthropic-key", "anthropic", "Anthropic API or admin key (sk-ant-api03-/sk-ant-admin01-)"),
  OPENAI_KEY("openai-key", "openai", "OpenAI API key (sk-...T3BlbkFJ...)"),
  ONEPASSWORD_TOKEN("1password-service-account-token", "1password", "1Password service-account token (ops_eyJ...)"),
  AGE_SECRET_KEY("age-secret-key", "age", "age encryption secret key (AGE-SECRET-KEY-1 + 58 bech32 characters)"),
  ALIBABA_ACCESS_KEY_ID("alibaba-access-key-id", "alibaba", "Alibaba Cloud AccessKey ID (LTAI...)"),
  ARTIFACTORY_TOKEN("artifactory-token", "jfrog", "JFrog Artifactory API key (AKCp...) or reference token (cmVmdGtu...)"),
  ASANA_TOKEN("asana-token", "asana", "Asana personal access token (1/... or 2/...:32 hex) next to an Asana name"),
  AZURE_AD_CLIENT_SECRET("azure-ad-client-secret", "azure", "Microsoft Entra ID (Azure AD) client secret (xxx8Q~...)"),
  CLOUDFLARE_ORIGIN_CA_KEY("cloudflare-origin-ca-key", "cloudflare", "Cloudflare Origin CA key (v1.0-<24 hex>-<146 hex>)"),
  COHERE_KEY("cohere-key", "cohere", "Cohere API key (40 characters next to a Cohere name)"),
  DISCORD_TOKEN("discord-token", "discord", "Discord bot token or webhook URL"),
  DOPPLER_TOKEN("doppler-token", "doppler", "Doppler token (dp.pt., dp.st., dp.sa., dp.ct., ...)"),
  DYNATRACE_TOKEN("dynatrace-token", "dynatrace", "Dynatrace API token (dt0c01.<24>.<64>)"),
  FACEBOOK_TOKEN("facebook-token", "facebook", "Facebook (Meta) access token (EAA...) or app secret next to a Facebook name"),
  FLUTTERWAVE_KEY("flutterwave-key", "flutterwave", "Flutterwave secret or encryption key (FLWSECK-...)"),
  HARNESS_TOKEN("harness-token", "harness", "Harness personal or service-account token (pat./sat.)"),
  HEROKU_KEY("heroku-api-key", "heroku", "Heroku API key (HRKU-..., or a UUID next to a Heroku name)"),
  HUBSPOT_TOKEN("hubspot-token", "hubspot", "HubSpot private app token (pat-na1-/pat-eu1-) or API key next to a HubSpot name"),
  MAPBOX_TOKEN("mapbox-secret-token", "mapbox", "Mapbox secret access token (sk.eyJ...)"),
  TEAMS_WEBHOOK("teams-webhook", "teams", "Microsoft Teams incoming webhook URL"),
  NOTION_TOKEN("notion-token", "notion", "Notion integration token (ntn_..., secret_...)"),
  OCTOPUS_KEY("octopus-deploy-api-key", "octopus", "Octopus Deploy API key (API-...)"),
  PKCS12("pkcs12", "pkcs12", "PKCS#12 key store (a .p12/.pfx file or its base64 text)"),
  SNYK_TOKEN("snyk-token", "snyk", "Snyk API token (a UUID next to a Snyk name)"),
  SOURCEGRAPH_TOKEN("sourcegraph-token", "sourcegraph", "Sourcegraph access token (sgp_...)"),
  SQUARESPACE_KEY("squarespace-key", "squarespace", "Squarespace API key (a UUID next to a Squarespace name)"),
  VAULT_TOKEN("vault-token", "vault", "HashiCorp Vault service, batch or recovery token (hvs./hvb./hvr.)"),
  TELEGRAM_BOT_TOKEN("telegram-bot-token", "telegram", "Telegram bot token (<bot id>:AA...)"),
  FLYIO_TOKEN("flyio-token", "flyio", "Fly.io access token (fo1_..., FlyV1 fm1_/fm2_...)"),
  ATLASSIAN_TOKEN("atlassian-token", "atlassian", "Atlassian API token (ATATT3...) or one next to a Jira/Confluence name"),
  STRIPE_WEBHOOK_SECRET("stripe-webhook-secret", "stripe", "Stripe webhook signing secret (whsec_...)"),
  SONARQUBE_TOKEN("sonarqube-token", "sonarqube", "SonarQube user, project or analysis token (squ_/sqp_/sqa_ + 40 hex, or a legacy 40-hex sonar login)"),
  GRAFANA_TOKEN("grafana-token", "grafana", "Grafana Cloud access-policy (glc_) or service-account (glsa_) token"),
  FIGMA_TOKEN("figma-token", "figma", "Figma personal access token (figd_...)"),
  PLANETSCALE_TOKEN("planetscale-token", "planetscale", "PlanetScale password, service token or OAuth token (pscale_pw_/pscale_tkn_/pscale_oauth_)"),
  SHIPPO_TOKEN("shippo-token", "shippo", "Shippo API token (shippo_live_/shippo_test_ + 40 hex)"),
  MAILGUN_KEY("mailgun-key", "mailgun", "Mailgun private API key (key- + 32 hex)"),
  RIOT_API_KEY("riot-api-key", "riot", "Riot Games API key (RGAPI- + UUID)"),
  ADAFRUIT_IO_KEY("adafruit-io-key", "adafruit", "Adafruit IO key (aio_ + 28 alphanumerics)"),
  UBIDOTS_TOKEN("ubidots-token", "ubidots", "Ubidots token (BBFF- + 30 alphanumerics)"),
  ZUPLO_KEY("zuplo-key", "zuplo", "Zuplo API key (zpka_ + 32 hex + _ + 8 hex)"),
  LINODE_TOKEN("linode-token", "linode", "Linode personal access token (64 hex next to a Linode name)"),
  YANDEX_TOKEN("yandex-token", "yandex", "Yandex Cloud IAM token (t1.) or OAuth token (y0_ to y3_)"),
  TENCENT_SECRET_ID("tencent-secret-id", "tencent", "Tencent Cloud SecretId (AKID + 32 alphanumerics)"),
  ALCHEMY_KEY("alchemy-api-key", "alchemy", "Alchemy API key in an Alchemy endpoint URL (.../v2/<32>)"),
  POSTMARK_TOKEN("postmark-token", "postmark", "Postmark server or account token (a UUID next to a Postmark name)"),
  FCM_SERVER_KEY("fcm-server-key", "firebase", "Firebase Cloud Messaging legacy server key (AAAA...:APA91b...)"),
  QUERY_CREDENTIAL("query-credential", "generic", "key=value credential inside a query or form string (a&password=...)"),
  GENERIC_SECRET("generic-secret", "generic", "Value with high Shannon entropy assigned to a secret-sounding name"),
  HARDCODED_CREDENTIAL("hardcoded-credential", "generic", "Literal passed where a credential is expected (setPassword, getConnection, PBEKeySpec, ...)"),
  ENV_SECRET("env-secret", "runtime", "Environment variable or system property with a secret-sounding name and a real value"),
  AZURE_RESOLVED_SETTING("azure-resolved-setting", "runtime", "App Service connection-string setting holding a plain (resolved) value"),
  AZURE_PLATFORM_SETTING("azure-platform-setting", "runtime", "Azure Functions platform setting holding a key (warned, not blocked: use the identity-based form)"),
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
      case AZURE_PLATFORM_SETTING -> "A setting the Functions platform requires; switch it to the identity-based form"
          + " (AzureWebJobsStorage__accountName with the app's managed identity) so it holds no key.";
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
