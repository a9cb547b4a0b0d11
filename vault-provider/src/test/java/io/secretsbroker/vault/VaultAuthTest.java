package io.secretsbroker.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretAccessDeniedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The request each login method sends, against the fake Vault and the fake Azure identity endpoints. */
class VaultAuthTest {
  @RegisterExtension
  static final FakeVault VAULT = new FakeVault();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode base64Json(JsonNode field) throws Exception {
    return JSON.readTree(Base64.getDecoder().decode(field.asText()));
  }

  private static String base64Text(JsonNode field) {
    return new String(Base64.getDecoder().decode(field.asText()), StandardCharsets.UTF_8);
  }

  private static void readOnce(VaultSecretProvider p) {
    VAULT.seed("db", "x".getBytes(StandardCharsets.UTF_8));
    try (p) {
      assertThat(p.fetch("db").versionId()).isEqualTo("1");
    }
  }

  @Test
  void aws_signsGetCallerIdentityWithServerIdHeader() throws Exception {
    readOnce(VAULT.provider("auth=aws&role=orders&header-value=vault.example.com"));

    JsonNode body = VAULT.lastBody("POST", "/v1/auth/aws/login");
    assertThat(body.path("role").asText()).isEqualTo("orders");
    assertThat(body.path("iam_http_request_method").asText()).isEqualTo("POST");
    assertThat(base64Text(body.path("iam_request_url"))).isEqualTo("https://sts.amazonaws.com/");
    assertThat(base64Text(body.path("iam_request_body"))).isEqualTo("Action=GetCallerIdentity&Version=2011-06-15");
    JsonNode headers = base64Json(body.path("iam_request_headers"));
    String authz = headers.path("Authorization").path(0).asText();
    assertThat(authz).startsWith("AWS4-HMAC-SHA256 Credential=AKIDTESTONLY/")
        .contains("/us-east-1/sts/aws4_request")
        .contains("x-vault-aws-iam-server-id")
        .doesNotContain("test-only-secret-key");
    assertThat(headers.path("X-Vault-AWS-IAM-Server-ID").path(0).asText()).isEqualTo("vault.example.com");
    assertThat(headers.has("X-Amz-Date")).isTrue();
  }

  @Test
  void aws_stsRegion_signsForRegionalEndpoint() throws Exception {
    readOnce(VAULT.provider("auth=aws&sts-region=eu-west-1&auth-mount=aws-prod"));

    JsonNode body = VAULT.lastBody("POST", "/v1/auth/aws-prod/login");
    assertThat(body.has("role")).as("role is optional for aws").isFalse();
    assertThat(base64Text(body.path("iam_request_url"))).isEqualTo("https://sts.eu-west-1.amazonaws.com/");
    assertThat(base64Json(body.path("iam_request_headers")).path("Authorization").path(0).asText())
        .contains("/eu-west-1/sts/aws4_request").doesNotContain("x-vault-aws-iam-server-id");
  }

  @Test
  void azure_imds_sendsTokenAndInstanceMetadata() {
    readOnce(VAULT.provider("auth=azure&role=orders&client-id=cid-1"));

    JsonNode body = VAULT.lastBody("POST", "/v1/auth/azure/login");
    assertThat(body.path("role").asText()).isEqualTo("orders");
    assertThat(body.path("jwt").asText()).isEqualTo(FakeVault.AZURE_TOKEN);
    assertThat(body.path("subscription_id").asText()).isEqualTo("sub-123");
    assertThat(body.path("resource_group_name").asText()).isEqualTo("rg-orders");
    assertThat(body.path("vm_name").asText()).isEqualTo("vm-orders-1");
    var tokenRequest = VAULT.requests("GET", "/metadata/identity/oauth2/token").get(0);
    assertThat(tokenRequest.getHeader("Metadata")).isEqualTo("true");
    assertThat(tokenRequest.queryParameter("resource").firstValue()).isEqualTo("https://management.azure.com/");
    assertThat(tokenRequest.queryParameter("client_id").firstValue()).isEqualTo("cid-1");
    assertThat(tokenRequest.queryParameter("api-version").firstValue()).isEqualTo("2018-02-01");
  }

  @Test
  void azure_appService_usesIdentityEndpointAndConfiguredResource() {
    Map<String, String> env = Map.of("IDENTITY_ENDPOINT", VAULT.endpoint() + "/msi/token",
        "IDENTITY_HEADER", FakeVault.IDENTITY_HEADER);
    readOnce(VAULT.provider("auth=azure&role=orders&subscription-id=sub-9&resource-group=rg-fn"
        + "&resource-id=/subscriptions/sub-9/resourceGroups/rg-fn/providers/Microsoft.Web/sites/fn", env));

    JsonNode body = VAULT.lastBody("POST", "/v1/auth/azure/login");
    assertThat(body.path("subscription_id").asText()).isEqualTo("sub-9");
    assertThat(body.path("resource_id").asText()).endsWith("/sites/fn");
    assertThat(body.has("vm_name")).isFalse();
    var tokenRequest = VAULT.requests("GET", "/msi/token").get(0);
    assertThat(tokenRequest.getHeader("X-IDENTITY-HEADER")).isEqualTo(FakeVault.IDENTITY_HEADER);
    assertThat(tokenRequest.queryParameter("api-version").firstValue()).isEqualTo("2019-08-01");
    assertThat(VAULT.count("GET", "/metadata/instance")).isZero();
  }

  @Test
  void azure_appServiceWithoutSubscription_isConfigurationError() {
    Map<String, String> env = Map.of("IDENTITY_ENDPOINT", VAULT.endpoint() + "/msi/token",
        "IDENTITY_HEADER", FakeVault.IDENTITY_HEADER);
    VaultSecretProvider p = VAULT.provider("auth=azure&role=orders", env);

    assertThat(catchThrowable(() -> p.fetch("db"))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("subscription-id");
    p.close();
  }

  @Test
  void kubernetes_postsServiceAccountTokenFromFile() {
    readOnce(VAULT.provider("auth=kubernetes&role=orders&token-file=" + VAULT.file("sa-token", FakeVault.JWT)));

    JsonNode body = VAULT.lastBody("POST", "/v1/auth/kubernetes/login");
    assertThat(body.path("role").asText()).isEqualTo("orders");
    assertThat(body.path("jwt").asText()).isEqualTo(FakeVault.JWT);
  }

  @Test
  void jwt_customMount_postsTokenFromFile() {
    readOnce(VAULT.provider("auth=jwt&role=ci&auth-mount=/oidc-gh/&token-file=" + VAULT.file("oidc", FakeVault.JWT)));

    assertThat(VAULT.lastBody("POST", "/v1/auth/oidc-gh/login").path("jwt").asText()).isEqualTo(FakeVault.JWT);
  }

  @Test
  void jwt_refused_namesRoleAndFile() {
    VaultSecretProvider p = VAULT.provider("auth=jwt&role=ci&token-file=" + VAULT.file("bad-jwt", "not.the.jwt"));

    Throwable t = catchThrowable(() -> p.fetch("db"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("role 'ci'")
        .hasMessageContaining("bound_audiences").hasMessageNotContaining("not.the.jwt");
    p.close();
  }

  @Test
  void approle_secretIdFile_postsRoleIdAndSecretId() {
    readOnce(VAULT.provider());

    JsonNode body = VAULT.lastBody("POST", "/v1/auth/approle/login");
    assertThat(body.path("role_id").asText()).isEqualTo(FakeVault.ROLE_ID);
    assertThat(body.path("secret_id").asText()).isNotBlank();
  }

  @Test
  void approle_wrappedSecretId_unwrapsOnceAndReusesItForLaterLogins() {
    VaultSecretProvider p = VAULT.provider("auth=approle&role-id=" + FakeVault.ROLE_ID + "&wrapped-secret-id-file="
        + VAULT.wrappedSecretIdFile());
    VAULT.seed("db", "x".getBytes(StandardCharsets.UTF_8));

    p.fetch("db");
    VAULT.clock.advance(Duration.ofHours(2)); // token expired: log in again
    p.fetch("db");

    assertThat(VAULT.count("POST", "/v1/sys/wrapping/unwrap")).isEqualTo(1);
    assertThat(VAULT.count("POST", "/v1/auth/approle/login")).isEqualTo(2);
    assertThat(VAULT.requests("POST", "/v1/sys/wrapping/unwrap").get(0).getHeader("X-Vault-Token"))
        .startsWith("hvs.wrap-");
    p.close();
  }

  @Test
  void approle_usedWrappingToken_isAccessDeniedSayingWhy() {
    java.nio.file.Path file = VAULT.wrappedSecretIdFile();
    VaultSecretProvider first = VAULT.provider("auth=approle&role-id=" + FakeVault.ROLE_ID + "&wrapped-secret-id-file=" + file);
    VaultSecretProvider second = VAULT.provider("auth=approle&role-id=" + FakeVault.ROLE_ID + "&wrapped-secret-id-file=" + file);
    VAULT.seed("db", "x".getBytes(StandardCharsets.UTF_8));
    first.fetch("db");

    assertThat(catchThrowable(() -> second.fetch("db"))).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("already used");
    first.close();
    second.close();
  }

  @Test
  void tokenFile_looksUpTokenAndNeverRevokesIt() {
    VaultSecretProvider p = VAULT.provider("auth=token-file&token-file=" + VAULT.tokenFile());
    VAULT.seed("db", "x".getBytes(StandardCharsets.UTF_8));

    p.fetch("db");
    p.close();

    assertThat(VAULT.count("GET", "/v1/auth/token/lookup-self")).isEqualTo(1);
    assertThat(VAULT.count("POST", "/v1/auth/token/revoke-self")).isZero();
  }

  @Test
  void tokenFile_missingFile_isConfigurationErrorNamingIt() {
    VaultSecretProvider p = VAULT.provider("auth=token-file&token-file=/nonexistent/.vault-token");

    assertThat(catchThrowable(() -> p.fetch("db"))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("/nonexistent/.vault-token");
    p.close();
  }

  @Test
  void login_neverSendsNamespaceOrTokenToIdentityEndpoint() {
    readOnce(VAULT.provider("auth=azure&role=orders&namespace=team"));

    var tokenRequest = VAULT.requests("GET", "/metadata/identity/oauth2/token").get(0);
    assertThat(tokenRequest.containsHeader("X-Vault-Token")).isFalse();
    assertThat(tokenRequest.containsHeader("X-Vault-Namespace")).isFalse();
  }
}
