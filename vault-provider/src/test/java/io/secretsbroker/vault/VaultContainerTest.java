package io.secretsbroker.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secretsbroker.SecretValue;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.vault.VaultContainer;

/**
 * Against a real Vault dev server in Docker ({@value #DEFAULT_IMAGE}, or {@code -Dvault.image=...}):
 * KV v2 reads and versions, check-and-set rotation, AppRole login with a plain and a
 * response-wrapped SecretID. Skipped, with Testcontainers' reason, where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class VaultContainerTest {
  static final String DEFAULT_IMAGE = "hashicorp/vault:1.17";
  static final String ROOT = "root-token-for-tests";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Container
  static final VaultContainer<?> VAULT = new VaultContainer<>(
      DockerImageName.parse(System.getProperty("vault.image", DEFAULT_IMAGE)).asCompatibleSubstituteFor("hashicorp/vault"))
      .withVaultToken(ROOT);

  @TempDir
  Path dir;
  private String prefix;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void names() {
    prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "/";
  }

  private String base() {
    return "vault+http://" + VAULT.getHost() + ":" + VAULT.getMappedPort(8200) + "/secret?";
  }

  private VaultSecretProvider provider(String query) {
    VaultSettings s = VaultSettings.parse(ProviderUri.parse(base() + query));
    return new VaultSecretProvider(s, VaultHttp.create(s),
        VaultSecretProviderFactory.auth(s, Clock.systemUTC(), null, k -> null, AzureAuth.IMDS), Clock.systemUTC());
  }

  private VaultSecretProvider rootProvider() throws Exception {
    return provider("auth=token-file&token-file=" + Files.writeString(dir.resolve("root-token"), ROOT));
  }

  /** One admin call with the root token; returns the JSON answer. */
  private JsonNode admin(String method, String path, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(VAULT.getHttpHostAddress() + "/v1/" + path))
        .header("X-Vault-Token", ROOT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s %s", method, path).isBetween(200, 299);
    return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
  }

  private void write(String name, String dataJson) throws Exception {
    admin("POST", "secret/data/" + name, "{\"data\":" + dataJson + "}", Map.of());
  }

  @Test
  void fetch_kvMapAndVersions() throws Exception {
    write(prefix + "db", "{\"username\":\"app\",\"password\":\"one\"}");
    write(prefix + "db", "{\"username\":\"app\",\"password\":\"two\"}");

    try (VaultSecretProvider p = rootProvider()) {
      SecretRecord current = p.fetch(prefix + "db");
      assertThat(current.versionId()).isEqualTo("2");
      assertThat(SecretValue.of("db", current).field("password")).isEqualTo("two");
      assertThat(SecretValue.of("db", p.fetchVersion(prefix + "db", "1")).field("password")).isEqualTo("one");
      assertThat(current.createdOn()).isNotNull();
    }
  }

  @Test
  void put_casRotation_conflictsWhenAnotherWriterWins() throws Exception {
    write(prefix + "api", "{\"value\":\"v1\"}");

    try (VaultSecretProvider p = rootProvider()) {
      p.fetch(prefix + "api");
      write(prefix + "api", "{\"value\":\"theirs\"}");

      assertThat(catchThrowable(() -> p.put(prefix + "api", "mine".getBytes(StandardCharsets.UTF_8))))
          .isInstanceOf(CheckAndSetConflictException.class);
      assertThat(new String(p.fetch(prefix + "api").value(), StandardCharsets.UTF_8)).isEqualTo("theirs");

      SecretRecord written = p.put(prefix + "api", "mine".getBytes(StandardCharsets.UTF_8));
      assertThat(written.versionId()).isEqualTo("3");
      assertThat(new String(p.fetch(prefix + "api").value(), StandardCharsets.UTF_8)).isEqualTo("mine");
    }
  }

  @Test
  void stagePromote_realVault_casRefusesTheLoserAndPendingPathIsDeleted() throws Exception {
    write(prefix + "db", "{\"value\":\"v1\"}");

    try (VaultSecretProvider p = rootProvider()) {
      SecretRecord mine = p.stage(prefix + "db", "1", "mine".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(p.fetch(prefix + "db").value(), StandardCharsets.UTF_8)).isEqualTo("v1");
      assertThat(new String(p.fetchStage(prefix + "db", io.secretsbroker.VersionStage.PENDING).value(),
          StandardCharsets.UTF_8)).isEqualTo("mine");
      write(prefix + "db", "{\"value\":\"theirs\"}");

      assertThat(catchThrowable(() -> p.promote(prefix + "db", mine.versionId(), "1")))
          .isInstanceOf(io.secretsbroker.RotationConflictException.class);
      assertThat(new String(p.fetch(prefix + "db").value(), StandardCharsets.UTF_8)).isEqualTo("theirs");

      p.discardPending(prefix + "db", mine.versionId());
      SecretRecord next = p.stage(prefix + "db", "2", "next".getBytes(StandardCharsets.UTF_8));
      SecretRecord promoted = p.promote(prefix + "db", next.versionId(), "2");
      assertThat(promoted.versionId()).isEqualTo("3");
      assertThat(new String(p.fetchStage(prefix + "db", io.secretsbroker.VersionStage.PREVIOUS).value(),
          StandardCharsets.UTF_8)).isEqualTo("theirs");
      assertThat(catchThrowable(() -> p.fetchStage(prefix + "db", io.secretsbroker.VersionStage.PENDING)))
          .isInstanceOf(io.secretsbroker.SecretNotFoundException.class);
    }
  }

  @Test
  void approle_loginWithSecretIdFileAndWrappedSecretId() throws Exception {
    String role = "app-" + UUID.randomUUID().toString().substring(0, 6);
    JsonNode mounts = admin("GET", "sys/auth", null, Map.of());
    if (!mounts.path("data").has("approle/")) {
      admin("POST", "sys/auth/approle", "{\"type\":\"approle\"}", Map.of());
    }
    admin("PUT", "sys/policies/acl/" + role, JSON.createObjectNode().put("policy",
        "path \"secret/data/" + prefix + "*\" { capabilities = [\"read\", \"create\", \"update\"] }").toString(), Map.of());
    admin("POST", "auth/approle/role/" + role, "{\"token_policies\":\"" + role + "\",\"token_ttl\":\"1h\"}", Map.of());
    String roleId = admin("GET", "auth/approle/role/" + role + "/role-id", null, Map.of()).path("data").path("role_id").asText();
    String secretId = admin("POST", "auth/approle/role/" + role + "/secret-id", "{}", Map.of()).path("data").path("secret_id").asText();
    String wrapping = admin("POST", "auth/approle/role/" + role + "/secret-id", "{}", Map.of("X-Vault-Wrap-TTL", "120s"))
        .path("wrap_info").path("token").asText();
    write(prefix + "db", "{\"value\":\"pw\"}");

    try (VaultSecretProvider plain = provider("auth=approle&role-id=" + roleId + "&secret-id-file="
        + Files.writeString(dir.resolve("secret-id"), secretId));
        VaultSecretProvider wrapped = provider("auth=approle&role-id=" + roleId + "&wrapped-secret-id-file="
            + Files.writeString(dir.resolve("wrapped"), wrapping))) {
      assertThat(new String(plain.fetch(prefix + "db").value(), StandardCharsets.UTF_8)).isEqualTo("pw");
      assertThat(new String(wrapped.fetch(prefix + "db").value(), StandardCharsets.UTF_8)).isEqualTo("pw");
      assertThat(catchThrowable(() -> plain.fetch("outside/" + prefix + "db")))
          .isInstanceOf(io.secretsbroker.SecretAccessDeniedException.class)
          .hasMessageContaining("path \"secret/data/outside/");
    }
  }
}
