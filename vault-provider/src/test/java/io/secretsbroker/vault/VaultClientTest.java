package io.secretsbroker.vault;

import static io.secretsbroker.vault.FakeVault.vaultError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.Rotation;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Vault provider behind the whole client: field access, retry through a sealed moment, rotation, leases. */
class VaultClientTest {
  @RegisterExtension
  static final FakeVault VAULT = new FakeVault();

  private static SecretsClient client(VaultSecretProvider provider) {
    return SecretsClient.builder()
        .provider(provider)
        .clock(VAULT.clock) // lease ends are on the fake Vault's clock
        .ambientConfiguration(false)
        .property("secrets.retry.initial-backoff", "1ms")
        .property("secrets.guard", "off")
        .build();
  }

  @AfterEach
  void uninstall() {
    SecretsClient previous = Secrets.install(null);
    if (previous != null) {
      previous.close();
    }
  }

  @Test
  void secretsField_readsOneFieldOfKvMap() {
    VAULT.seedMap("db", "{\"username\":\"app\",\"password\":\"hunter2\"}");
    Secrets.install(client(VAULT.provider()));

    assertThat(Secrets.field("db", "password")).isEqualTo("hunter2");
    assertThat(Secrets.field("db", "username")).isEqualTo("app");
    assertThat(Secrets.value("db").versionId()).isEqualTo("1");
  }

  @Test
  void get_sealedThenUnsealed_ridesThroughRetry() {
    VAULT.seed("api-key", "k-1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    VAULT.failOnce("/v1/secret/data/api-key", vaultError(503, "Vault is sealed"));

    try (SecretsClient client = client(VAULT.provider())) {
      assertThat(client.get("api-key")).isEqualTo("k-1");
    }
    assertThat(VAULT.count("GET", "/v1/secret/data/api-key")).isEqualTo(2);
  }

  @Test
  void get_denied_isNotRetried() {
    VAULT.seed("locked", "x".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    VAULT.deny("locked");

    try (SecretsClient client = client(VAULT.provider())) {
      assertThat(catchThrowable(() -> client.get("locked"))).isInstanceOf(SecretAccessDeniedException.class);
    }
    assertThat(VAULT.count("GET", "/v1/secret/data/locked")).isEqualTo(1);
  }

  @Test
  void rotate_writesWithCasAgainstVersionJustRead() {
    VAULT.seed("token", "old".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    try (SecretsClient client = client(VAULT.provider())) {
      SecretValue rotated = client.rotate("token", Rotation.defaults());

      assertThat(rotated.versionId()).isEqualTo("2");
      assertThat(client.get("token")).isEqualTo(rotated.asString()).hasSize(32);
    }
    assertThat(VAULT.lastBody("POST", "/v1/secret/data/token").path("options").path("cas").asInt()).isEqualTo(1);
    assertThat(VAULT.data("token", 2).path("value").asText()).hasSize(32);
  }

  @Test
  void dynamicSecret_leaseEndBoundsTheCacheAndLeaseIsRevokedOnClose() {
    VAULT.leaseDuration = Duration.ofMinutes(3);
    VaultSecretProvider provider = VAULT.provider(VAULT.appRole() + "&dynamic=database/creds");

    try (SecretsClient client = client(provider)) {
      SecretValue creds = client.value("database/creds/readonly");
      assertThat(creds.leaseDuration()).contains(Duration.ofMinutes(3));
      assertThat(creds.expiresOn()).isPresent();
      assertThat(creds.field("username")).startsWith("v-app-");
    }
    assertThat(VAULT.revokedLeases).hasSize(1);
  }

  @Test
  void fromProperties_vaultScheme_buildsThroughServiceLoader() {
    VAULT.seed("db", "pw".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String uri = "vault+http://127.0.0.1:" + VAULT.server().port() + "/secret?" + VAULT.appRole();

    try (SecretsClient client = SecretsClient.builder().ambientConfiguration(false)
        .properties(Map.of("secrets.provider", uri, "secrets.guard", "off")).build()) {
      assertThat(client.get("db")).isEqualTo("pw");
    }
  }
}
