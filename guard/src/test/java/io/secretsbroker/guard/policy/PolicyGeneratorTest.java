package io.secretsbroker.guard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.guard.policy.PolicyGenerator.Cloud;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PolicyGeneratorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String generate(Cloud cloud, Map<String, String> props, String region, String account,
      boolean batch, String vault, String mount) {
    return PolicyGenerator.generate(new PolicyRequest(cloud, props, region, account, batch, vault, null, null, mount));
  }

  @Test
  void aws_exactAndPrefix_onlyGetSecretValueOnThoseArns() throws Exception {
    String policy = generate(Cloud.AWS, Map.of("secrets.allow", "db,stripe/*", "secrets.env", "prod"),
        "eu-west-1", "123456789012", false, null, null);
    JsonNode doc = JSON.readTree(policy);
    assertThat(doc.get("Version").asText()).isEqualTo("2012-10-17");
    assertThat(doc.get("Statement")).hasSize(1);
    JsonNode s = doc.get("Statement").get(0);
    assertThat(s.get("Effect").asText()).isEqualTo("Allow");
    assertThat(texts(s.get("Action"))).containsExactly("secretsmanager:GetSecretValue");
    assertThat(texts(s.get("Resource"))).containsExactly(
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-??????",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/stripe/*");
  }

  /** The generated ARNs match exactly the secrets the client would read, and nothing else. */
  @Test
  void aws_arnPatterns_matchAllowedSecretsOnly() throws Exception {
    String policy = generate(Cloud.AWS, Map.of("secrets.allow", "db,stripe/*", "secrets.env", "prod"),
        "eu-west-1", "123456789012", false, null, null);
    List<Pattern> arns = new ArrayList<>();
    for (String r : texts(JSON.readTree(policy).get("Statement").get(0).get("Resource"))) {
      arns.add(Pattern.compile(Pattern.quote(r).replace("?", "\\E.\\Q").replace("*", "\\E.*\\Q")));
    }
    String base = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:";
    assertThat(base + "prod/db-AbC123").matches(s -> arns.stream().anyMatch(p -> p.matcher(s).matches()));
    assertThat(base + "prod/stripe/key-AbC123").matches(s -> arns.stream().anyMatch(p -> p.matcher(s).matches()));
    for (String other : List.of("prod/db2-AbC123", "staging/db-AbC123", "prod/admin-AbC123", "prod/dbx")) {
      assertThat(base + other).matches(s -> arns.stream().noneMatch(p -> p.matcher(s).matches()), "refuses " + other);
    }
  }

  @Test
  void aws_batch_addsBatchGetOnStar_andPartitionFollowsRegion() throws Exception {
    JsonNode doc = JSON.readTree(generate(Cloud.AWS, Map.of("secrets.allow", "db"), "cn-north-1", null, true,
        null, null));
    assertThat(doc.get("Statement")).hasSize(2);
    JsonNode batch = doc.get("Statement").get(1);
    assertThat(texts(batch.get("Action"))).containsExactly("secretsmanager:BatchGetSecretValue");
    assertThat(texts(batch.get("Resource"))).containsExactly("*");
    assertThat(texts(doc.get("Statement").get(0).get("Resource")))
        .containsExactly("arn:aws-cn:secretsmanager:cn-north-1:*:secret:db-??????");
  }

  @Test
  void aws_aliasesAndTemplate_followClientResolution() throws Exception {
    JsonNode doc = JSON.readTree(generate(Cloud.AWS, Map.of("secrets.allow", "db,api", "secrets.env", "prod",
        "secrets.name-template", "{env}/orders/{name}", "secrets.alias.db", "prod/orders/rds#password"),
        null, null, false, null, null));
    assertThat(texts(doc.get("Statement").get(0).get("Resource"))).containsExactly(
        "arn:aws:secretsmanager:*:*:secret:prod/orders/api-??????",
        "arn:aws:secretsmanager:*:*:secret:prod/orders/rds-??????");
  }

  @Test
  void aws_unboundedAllowlist_refused_butStarInsideEnvIsConfined() throws Exception {
    assertThatThrownBy(() -> generate(Cloud.AWS, Map.of("secrets.allow", "*"), null, null, false, null, null))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("every secret of the account");
    JsonNode doc = JSON.readTree(generate(Cloud.AWS, Map.of("secrets.allow", "*", "secrets.env", "prod"),
        "eu-west-1", "123456789012", false, null, null));
    assertThat(texts(doc.get("Statement").get(0).get("Resource")))
        .containsExactly("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/*");
    assertThatThrownBy(() -> generate(Cloud.AWS, Map.of("secrets.allow", "db"), null, "12345", false, null, null))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("12 digits");
  }

  private static JsonNode ssm(Map<String, String> props, String region, String account, String kmsKey)
      throws Exception {
    return JSON.readTree(PolicyGenerator.generate(new PolicyRequest(Cloud.SSM, props, region, account, false, null,
        null, null, null, kmsKey, null)));
  }

  @Test
  void ssm_exactAndPrefix_getParameterAndGetParametersOnParameterArnsOnly() throws Exception {
    JsonNode doc = ssm(Map.of("secrets.allow", "db,stripe/*", "secrets.env", "prod"), "eu-west-1",
        "123456789012", null);
    assertThat(doc.get("Statement")).hasSize(1);
    JsonNode s = doc.get("Statement").get(0);
    assertThat(texts(s.get("Action"))).containsExactly("ssm:GetParameter", "ssm:GetParameters");
    assertThat(texts(s.get("Resource"))).containsExactly(
        "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db",
        "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/stripe/*");
  }

  /** The ARNs match the parameters the ssm provider reads (prod/db is /prod/db) and nothing else. */
  @Test
  void ssm_arnPatterns_matchAllowedParametersOnly() throws Exception {
    JsonNode doc = ssm(Map.of("secrets.allow", "db,stripe/*", "secrets.env", "prod"), "eu-west-1",
        "123456789012", null);
    List<Pattern> arns = new ArrayList<>();
    for (String r : texts(doc.get("Statement").get(0).get("Resource"))) {
      arns.add(Pattern.compile(Pattern.quote(r).replace("*", "\\E.*\\Q")));
    }
    String base = "arn:aws:ssm:eu-west-1:123456789012:parameter";
    assertThat(base + "/prod/db").matches(s -> arns.stream().anyMatch(p -> p.matcher(s).matches()));
    assertThat(base + "/prod/stripe/key").matches(s -> arns.stream().anyMatch(p -> p.matcher(s).matches()));
    for (String other : List.of("/prod/db2", "/staging/db", "/prod/admin", "/prod/dbx", "/db")) {
      assertThat(base + other).matches(s -> arns.stream().noneMatch(p -> p.matcher(s).matches()), "refuses " + other);
    }
  }

  @Test
  void ssm_flatNameWithoutEnv_andDefaultsToStar() throws Exception {
    JsonNode doc = ssm(Map.of("secrets.allow", "db"), null, null, null);
    assertThat(texts(doc.get("Statement").get(0).get("Resource"))).containsExactly("arn:aws:ssm:*:*:parameter/db");
  }

  @Test
  void ssm_kmsKeyId_decryptOnThatKeyViaSsmOnly() throws Exception {
    JsonNode doc = ssm(Map.of("secrets.allow", "db", "secrets.env", "prod"), "eu-west-1", "123456789012",
        "1234abcd-12ab-34cd-56ef-1234567890ab");
    assertThat(doc.get("Statement")).hasSize(2);
    JsonNode kms = doc.get("Statement").get(1);
    assertThat(texts(kms.get("Action"))).containsExactly("kms:Decrypt");
    assertThat(texts(kms.get("Resource")))
        .containsExactly("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    assertThat(kms.get("Condition").get("StringEquals").get("kms:ViaService").asText())
        .isEqualTo("ssm.eu-west-1.amazonaws.com");
  }

  @Test
  void ssm_kmsKeyArnAndAlias_keyArnAsIs_aliasThroughResourceAliases() throws Exception {
    String keyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    JsonNode byArn = ssm(Map.of("secrets.allow", "db"), "eu-west-1", "123456789012", keyArn).get("Statement").get(1);
    assertThat(texts(byArn.get("Resource"))).containsExactly(keyArn);
    assertThat(byArn.get("Condition").has("ForAnyValue:StringEquals")).isFalse();

    JsonNode byAlias = ssm(Map.of("secrets.allow", "db"), null, null, "alias/orders").get("Statement").get(1);
    assertThat(texts(byAlias.get("Resource"))).containsExactly("arn:aws:kms:*:*:key/*");
    assertThat(byAlias.get("Condition").get("ForAnyValue:StringEquals").get("kms:ResourceAliases").asText())
        .isEqualTo("alias/orders");
    assertThat(byAlias.get("Condition").get("StringLike").get("kms:ViaService").asText())
        .isEqualTo("ssm.*.amazonaws.com");
  }

  @Test
  void ssm_unboundedAllowlist_refused() {
    assertThatThrownBy(() -> ssm(Map.of("secrets.allow", "*"), null, null, null))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("every secret of the account");
  }

  @Test
  void vault_readOnExactlyTheKvDataPaths() {
    String hcl = generate(Cloud.VAULT, Map.of("secrets.allow", "db,stripe/*", "secrets.env", "prod"), null, null,
        false, null, "/kv/");
    assertThat(paths(hcl)).containsExactly("kv/data/prod/db", "kv/data/prod/stripe/*");
    assertThat(hcl).contains("capabilities = [\"read\"]").doesNotContain("update").doesNotContain("list");
    assertThat(paths(generate(Cloud.VAULT, Map.of("secrets.allow", "db"), null, null, false, null, null)))
        .containsExactly("secret/data/db");
  }

  @Test
  void vault_starInsideTemplate_refused() {
    assertThatThrownBy(() -> generate(Cloud.VAULT, Map.of("secrets.allow", "stripe/*", "secrets.env", "prod",
        "secrets.name-template", "{name}-{env}"), null, null, false, null, null))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("only at the end");
  }

  @Test
  void azure_roleAssignmentPerSecret_scopedToTheSecret_withKeyVaultNames() {
    String out = PolicyGenerator.generate(new PolicyRequest(Cloud.AZURE,
        Map.of("secrets.allow", "db,stripe_key", "secrets.env", "prod"), null, null, false,
        "orders-kv.vault.azure.net", "0000-sub", "rg-orders", null));
    assertThat(out.lines().filter(l -> l.startsWith("az role assignment create")).toList()).containsExactly(
        "az role assignment create --assignee-object-id \"$PRINCIPAL_ID\" --assignee-principal-type ServicePrincipal"
            + " --role \"Key Vault Secrets User\" --scope \"/subscriptions/0000-sub/resourceGroups/rg-orders"
            + "/providers/Microsoft.KeyVault/vaults/orders-kv/secrets/prod--db\"",
        "az role assignment create --assignee-object-id \"$PRINCIPAL_ID\" --assignee-principal-type ServicePrincipal"
            + " --role \"Key Vault Secrets User\" --scope \"/subscriptions/0000-sub/resourceGroups/rg-orders"
            + "/providers/Microsoft.KeyVault/vaults/orders-kv/secrets/prod--stripe---key\"");
  }

  @Test
  void azure_prefixOrMissingVault_refusedWithWhatToDo() {
    assertThatThrownBy(() -> generate(Cloud.AZURE, Map.of("secrets.allow", "stripe/*"), null, null, false, "kv", null))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("cannot be scoped to a name prefix");
    assertThatThrownBy(() -> generate(Cloud.AZURE, Map.of("secrets.allow", "db"), null, null, false, null, null))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("--vault is required");
  }

  /** The same examples as the azure provider's KeyVaultNames documents. */
  @Test
  void keyVaultName_followsTheAzureProvidersRule() {
    assertThat(PolicyGenerator.keyVaultName("prod/orders/db")).isEqualTo("prod--orders--db");
    assertThat(PolicyGenerator.keyVaultName("stripe_key")).isEqualTo("stripe---key");
    assertThat(PolicyGenerator.keyVaultName("app.db")).isEqualTo("app----db");
    assertThat(PolicyGenerator.keyVaultName("api-key")).isEqualTo("api-key");
    assertThatThrownBy(() -> PolicyGenerator.keyVaultName("caf\u00e9")).isInstanceOf(ConfigurationException.class);
  }

  @Test
  void request_withoutAllowlist_refused() {
    assertThatThrownBy(() -> new PolicyRequest(Cloud.AWS, Map.of("secrets.env", "prod"), null, null, false, null,
        null, null, null)).isInstanceOf(ConfigurationException.class).hasMessageContaining("--allow");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> paths(String hcl) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("path \"([^\"]+)\"").matcher(hcl);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
