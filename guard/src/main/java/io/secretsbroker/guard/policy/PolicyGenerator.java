package io.secretsbroker.guard.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.AllowList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Generates the cloud-side least-privilege policy that matches a function's {@code secrets.allow}:
 * the client refuses every other name, and the cloud refuses it too.
 *
 * <ul>
 *   <li><b>AWS</b>: an IAM policy allowing only {@code secretsmanager:GetSecretValue} on exactly the
 *       allowed secrets' ARNs ({@code arn:aws:secretsmanager:R:A:secret:prod/db-??????}; the six
 *       {@code ?} match the random suffix Secrets Manager appends), prefix patterns as
 *       {@code prod/stripe/*}; plus {@code secretsmanager:BatchGetSecretValue} (which AWS authorises
 *       only on {@code "*"}; each secret in a batch is still checked against GetSecretValue) when
 *       batching is on.
 *   <li><b>AWS SSM Parameter Store</b>: an IAM policy allowing {@code ssm:GetParameter} and
 *       {@code ssm:GetParameters} on exactly the allowed parameters' ARNs (the ssm provider's
 *       mapping: {@code prod/db} is {@code arn:aws:ssm:R:A:parameter/prod/db}), plus
 *       {@code kms:Decrypt} on the given KMS key, only through SSM ({@code kms:ViaService}).
 *   <li><b>Vault</b>: an HCL policy with {@code read} on exactly the KV v2 data paths
 *       ({@code secret/data/prod/db}, {@code secret/data/prod/stripe/*}).
 *   <li><b>Azure</b>: {@code az role assignment create} commands granting {@code Key Vault Secrets
 *       User} scoped to each secret. Azure RBAC scopes cannot match a prefix, so prefix patterns
 *       are refused with what to do instead.
 *   <li><b>Google Cloud</b>: {@code gcloud secrets add-iam-policy-binding} commands granting
 *       {@code roles/secretmanager.secretAccessor} on each allowed secret (names spelled by the gcp
 *       provider's rule, {@code /} as {@code -}); prefix patterns are refused like Azure's.
 * </ul>
 * Names go through the same {@code secrets.env}, {@code secrets.name-template} and
 * {@code secrets.alias.*} rules as the client ({@link AllowList}). An unrestricted allowlist
 * outside an environment prefix is refused: it would grant every secret of the account.
 *
 * <p>Stateless and thread-safe. Failures are {@link ConfigurationException}s saying what to pass.
 */
public final class PolicyGenerator {
  /** The built-in Azure role that can read secret values and nothing else. */
  public static final String AZURE_ROLE = "Key Vault Secrets User";
  /** Its role definition id (the same in every tenant). */
  public static final String AZURE_ROLE_ID = "4633458b-17de-408a-b874-0445c86b69e6";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PolicyGenerator() {}

  /** The cloud a policy is for. */
  public enum Cloud {
    AWS, AZURE, VAULT, SSM, GCP;

    /** Parses {@code aws}, {@code azure}, {@code vault}, {@code ssm} or {@code gcp}. */
    public static Cloud parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("Unknown provider '" + s + "': use aws, azure, vault, ssm or gcp.", e);
      }
    }
  }

  /** Generates the policy document for {@code request}. */
  public static String generate(PolicyRequest request) {
    AllowList names = AllowList.from(request.clientProperties());
    return switch (request.cloud()) {
      case AWS -> aws(names, request.region(), request.account(), request.batch());
      case VAULT -> vault(names, request.mount());
      case AZURE -> azure(names, request.vault(), request.subscription(), request.resourceGroup());
      case SSM -> ssm(names, request.region(), request.account(), request.kmsKey());
      case GCP -> gcp(names, request.project(), request.region());
    };
  }

  /** The IAM policy JSON. {@code region} and {@code account} default to {@code *} when null. */
  public static String aws(AllowList names, String region, String account, boolean batch) {
    requireBounded(names);
    String r = region == null ? "*" : region;
    String a = account == null ? "*" : account;
    if (account != null && !account.matches("\\d{12}")) {
      throw new ConfigurationException("--account " + account + " is not an AWS account id (12 digits).");
    }
    String arnPrefix = "arn:" + partition(r) + ":secretsmanager:" + r + ":" + a + ":secret:";
    List<String> resources = new ArrayList<>();
    for (String n : names.exact()) {
      resources.add(arnPrefix + n + "-??????");
    }
    for (String p : names.patterns()) {
      resources.add(arnPrefix + p + (p.endsWith("*") ? "" : "-??????"));
    }
    List<Object> statements = new ArrayList<>();
    statements.add(statement("ReadAllowedSecrets", List.of("secretsmanager:GetSecretValue"), resources));
    if (batch) {
      statements.add(statement("BatchReadAllowedSecrets", List.of("secretsmanager:BatchGetSecretValue"), List.of("*")));
    }
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("Version", "2012-10-17");
    policy.put("Statement", statements);
    try {
      return JSON.writeValueAsString(policy) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Could not write the IAM policy", e);
    }
  }

  /**
   * The IAM policy JSON for the {@code ssm://} provider. {@code region} and {@code account} default
   * to {@code *}; {@code kmsKey} (a key id, key ARN, alias or alias ARN) adds {@code kms:Decrypt}
   * on that key, or null for none (the AWS managed {@code aws/ssm} key needs no grant).
   */
  public static String ssm(AllowList names, String region, String account, String kmsKey) {
    requireBounded(names);
    String r = region == null ? "*" : region;
    String a = account == null ? "*" : account;
    if (account != null && !account.matches("\\d{12}")) {
      throw new ConfigurationException("--account " + account + " is not an AWS account id (12 digits).");
    }
    String arnPrefix = "arn:" + partition(r) + ":ssm:" + r + ":" + a + ":parameter/";
    List<String> resources = new ArrayList<>();
    names.exact().forEach(n -> resources.add(arnPrefix + n));
    names.patterns().forEach(p -> resources.add(arnPrefix + p));
    List<Object> statements = new ArrayList<>();
    statements.add(statement("ReadAllowedParameters", List.of("ssm:GetParameter", "ssm:GetParameters"), resources));
    if (kmsKey != null && !kmsKey.isBlank()) {
      String k = kmsKey.trim();
      String kmsArn = "arn:" + partition(r) + ":kms:" + r + ":" + a + ":";
      Map<String, Object> decrypt = statement("DecryptAllowedParameters", List.of("kms:Decrypt"),
          List.of(k.startsWith("arn:") && k.contains(":key/") ? k
              : k.startsWith("arn:") || k.startsWith("alias/") ? kmsArn + "key/*" : kmsArn + "key/" + k));
      Map<String, Object> condition = new LinkedHashMap<>();
      condition.put(r.equals("*") ? "StringLike" : "StringEquals",
          Map.of("kms:ViaService", "ssm." + r + ".amazonaws.com"));
      if (!k.contains(":key/") && (k.startsWith("alias/") || k.startsWith("arn:"))) {
        // Decrypt requests name the key, not the alias: match the alias through the key's aliases
        condition.put("ForAnyValue:StringEquals", Map.of("kms:ResourceAliases", k.substring(k.indexOf("alias/"))));
      }
      decrypt.put("Condition", condition);
      statements.add(decrypt);
    }
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("Version", "2012-10-17");
    policy.put("Statement", statements);
    try {
      return JSON.writeValueAsString(policy) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Could not write the IAM policy", e);
    }
  }

  private static Map<String, Object> statement(String sid, List<String> actions, List<String> resources) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("Sid", sid);
    s.put("Effect", "Allow");
    s.put("Action", actions);
    s.put("Resource", resources);
    return s;
  }

  private static String partition(String region) {
    if (region.startsWith("cn-")) {
      return "aws-cn";
    }
    return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  }

  /** The Vault HCL policy; {@code mount} defaults to {@code secret}. */
  public static String vault(AllowList names, String mount) {
    requireBounded(names);
    String m = mount == null ? "secret" : trimSlashes(mount);
    StringBuilder out = new StringBuilder("# Secrets Broker: read-only access to exactly the allowed secrets\n");
    for (String n : names.exact()) {
      vaultPath(out, m + "/data/" + n);
    }
    for (String p : names.patterns()) {
      if (p.indexOf('*') != p.length() - 1) {
        throw new ConfigurationException("Pattern '" + p + "' has text after '*'; Vault policy globs allow '*' only"
            + " at the end of a path. Use a secrets.name-template that ends with {name} (e.g. {env}/{name}).");
      }
      vaultPath(out, m + "/data/" + p);
    }
    return out.toString();
  }

  private static void vaultPath(StringBuilder out, String path) {
    out.append("path \"").append(path.replace("\\", "\\\\").replace("\"", "\\\"")).append("\" {\n")
        .append("  capabilities = [\"read\"]\n}\n");
  }

  /**
   * Shell commands creating one role assignment per secret. {@code subscription} and
   * {@code resourceGroup} default to {@code $SUBSCRIPTION_ID} and {@code $RESOURCE_GROUP}; the
   * assignee is always {@code $PRINCIPAL_ID} (the function's managed identity).
   */
  public static String azure(AllowList names, String vault, String subscription, String resourceGroup) {
    if (vault == null || vault.isBlank()) {
      throw new ConfigurationException("--vault is required for Azure: the Key Vault name (my-vault or"
          + " my-vault.vault.azure.net).");
    }
    if (!names.patterns().isEmpty()) {
      throw new ConfigurationException("Azure role assignments cannot be scoped to a name prefix ("
          + String.join(", ", names.patterns()) + "). List each secret in --allow, or give the environment a"
          + " vault of its own and assign " + AZURE_ROLE + " on that vault.");
    }
    String v = vault.contains(".") ? vault.substring(0, vault.indexOf('.')) : vault;
    String scopePrefix = "/subscriptions/" + (subscription == null ? "$SUBSCRIPTION_ID" : subscription)
        + "/resourceGroups/" + (resourceGroup == null ? "$RESOURCE_GROUP" : resourceGroup)
        + "/providers/Microsoft.KeyVault/vaults/" + v + "/secrets/";
    StringBuilder out = new StringBuilder("# Secrets Broker: '" + AZURE_ROLE + "' (" + AZURE_ROLE_ID
        + ") on exactly the allowed secrets.\n# PRINCIPAL_ID is the object id of the function's managed identity.\n");
    for (String n : names.exact()) {
      out.append("az role assignment create --assignee-object-id \"$PRINCIPAL_ID\"")
          .append(" --assignee-principal-type ServicePrincipal --role \"").append(AZURE_ROLE)
          .append("\" --scope \"").append(scopePrefix).append(keyVaultName(n)).append("\"\n");
    }
    return out.toString();
  }

  /**
   * A portable name as Key Vault stores it: the azure provider's reversible rule (its
   * {@code KeyVaultNames}): letters, digits and {@code -} stay; {@code /} becomes {@code --},
   * {@code _} {@code ---} and {@code .} {@code ----}.
   *
   * @throws ConfigurationException for a name the rule cannot map (the provider would refuse it too)
   */
  static String keyVaultName(String portable) {
    StringBuilder out = new StringBuilder();
    for (char c : portable.toCharArray()) {
      int run = "-/_.".indexOf(c) + 1;
      boolean alnum = c < 128 && Character.isLetterOrDigit(c);
      if (!alnum && run == 0) {
        throw new ConfigurationException("Secret '" + portable + "' contains '" + c + "', which has no Key Vault"
            + " spelling; Key Vault names use letters, digits and the separators - / _ . only.");
      }
      out.append(alnum ? String.valueOf(c) : "-".repeat(run));
    }
    return out.toString();
  }

  /** The role that reads secret versions and nothing else. */
  public static final String GCP_ROLE = "roles/secretmanager.secretAccessor";

  /**
   * Shell commands binding {@value #GCP_ROLE} on each allowed secret. {@code project} defaults to
   * {@code $PROJECT_ID}; {@code location} (regional secrets) is omitted when null; the member is
   * always {@code $MEMBER} ({@code serviceAccount:NAME@PROJECT.iam.gserviceaccount.com}).
   *
   * @throws ConfigurationException for prefix patterns, a name the gcp rule cannot spell, or two
   *     allowed names that spell the same secret
   */
  public static String gcp(AllowList names, String project, String location) {
    if (!names.patterns().isEmpty()) {
      throw new ConfigurationException("Secret-level IAM bindings cannot match a name prefix ("
          + String.join(", ", names.patterns()) + "). List each secret in --allow, or bind " + GCP_ROLE + " on the"
          + " project with an IAM condition on resource.name.startsWith(...) yourself.");
    }
    if (names.exact().isEmpty()) {
      throw new ConfigurationException("--allow names no secret; pass e.g. --allow db,stripe_key.");
    }
    String p = project == null ? "$PROJECT_ID" : project;
    StringBuilder out = new StringBuilder("# Secrets Broker: " + GCP_ROLE + " on exactly the allowed secrets.\n"
        + "# MEMBER is the function's service account: serviceAccount:NAME@PROJECT.iam.gserviceaccount.com\n");
    Map<String, String> seen = new LinkedHashMap<>();
    for (String n : names.exact()) {
      String id = secretManagerId(n);
      String first = seen.putIfAbsent(id, n);
      if (first != null) {
        throw new ConfigurationException("Secrets '" + first + "' and '" + n + "' both spell the Secret Manager"
            + " secret '" + id + "' ('/' is '-', '.' is '_'); the gcp provider refuses the second. Allow one of them.");
      }
      out.append("gcloud secrets add-iam-policy-binding ").append(id).append(" --project ").append(p)
          .append(location == null ? "" : " --location " + location)
          .append(" --member \"$MEMBER\" --role ").append(GCP_ROLE).append('\n');
    }
    return out.toString();
  }

  /**
   * A portable name as a Secret Manager secret id: the gcp provider's rule (its
   * {@code SecretManagerNames}): letters, digits, {@code -} and {@code _} stay, {@code /} becomes
   * {@code -} and {@code .} becomes {@code _}.
   */
  static String secretManagerId(String portable) {
    StringBuilder out = new StringBuilder();
    for (char c : portable.toCharArray()) {
      boolean keep = (c < 128 && Character.isLetterOrDigit(c)) || c == '-' || c == '_';
      if (!keep && c != '/' && c != '.') {
        throw new ConfigurationException("Secret '" + portable + "' contains '" + c + "', which has no Secret Manager"
            + " spelling; secret ids use letters, digits, '-' and '_' (and the gcp provider maps '/' and '.').");
      }
      out.append(keep ? c : c == '/' ? '-' : '_');
    }
    return out.toString();
  }

  private static void requireBounded(AllowList names) {
    if (names.everything() && names.envPrefix().isEmpty()) {
      throw new ConfigurationException("secrets.allow is unset or '*' and no secrets.env confines the names: the"
          + " policy would grant every secret of the account. Pass --allow with the names the function reads"
          + " (e.g. --allow db,stripe/*), or --env to confine it to one environment.");
    }
    if (names.exact().isEmpty() && names.patterns().isEmpty()) {
      throw new ConfigurationException("--allow names no secret; pass e.g. --allow db,stripe/*.");
    }
  }

  private static String trimSlashes(String s) {
    String t = s;
    while (t.startsWith("/")) {
      t = t.substring(1);
    }
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    return t;
  }
}
