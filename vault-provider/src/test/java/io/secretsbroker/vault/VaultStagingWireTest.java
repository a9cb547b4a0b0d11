package io.secretsbroker.vault;

import static io.secretsbroker.vault.FakeVault.vaultError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The staged calls on Vault's wire: the candidate at the sibling path {@code <name>.pending}, the
 * promotion as a KV v2 write with {@code options.cas}, Vault's check-and-set refusal, and the
 * delete-metadata call that removes the candidate.
 */
class VaultStagingWireTest {
  @RegisterExtension
  static final FakeVault VAULT = new FakeVault();

  private VaultSecretProvider provider;

  @BeforeEach
  void open() {
    provider = VAULT.provider();
  }

  @AfterEach
  void close() {
    provider.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void stage_writesSiblingPendingPath_mainPathUntouched() {
    String v1 = VAULT.seed("app/db", utf8("old-vault-pw-1")); // secrets-guard:allow test fixture

    SecretRecord pending = provider.stage("app/db", v1, utf8("{\"user\":\"app\",\"password\":\"cand-2\"}"));

    JsonNode body = VAULT.lastBody("POST", "/v1/secret/data/app/db.pending");
    assertThat(body.path("data").path("id").asText()).isEqualTo(pending.versionId());
    assertThat(body.path("data").path("stagedFrom").asText()).isEqualTo(v1);
    assertThat(body.path("data").path("candidate").path("user").asText()).as("a JSON object stays one").isEqualTo("app");
    assertThat(VAULT.versions("app/db")).isEqualTo(1);
    assertThat(VAULT.count("POST", "/v1/secret/data/app/db")).isZero();
  }

  @Test
  void promote_writesWithCasOfTheExpectedVersion_thenDeletesPendingMetadata() {
    String v1 = VAULT.seed("app/db", utf8("old-vault-pw-2"));
    SecretRecord pending = provider.stage("app/db", v1, utf8("cand-3"));

    SecretRecord promoted = provider.promote("app/db", pending.versionId(), v1);

    JsonNode body = VAULT.lastBody("POST", "/v1/secret/data/app/db");
    assertThat(body.path("options").path("cas").asLong()).isEqualTo(Long.parseLong(v1));
    assertThat(body.path("data").path("value").asText()).isEqualTo("cand-3");
    assertThat(promoted.versionId()).isEqualTo("2");
    assertThat(VAULT.count("DELETE", "/v1/secret/metadata/app/db.pending")).isEqualTo(1);
    assertThat(VAULT.versions("app/db.pending")).isZero();
    assertThat(provider.fetchStage("app/db", VersionStage.PREVIOUS).value()).isEqualTo(utf8("old-vault-pw-2"));
  }

  @Test
  void promote_vaultRefusesCheckAndSet_conflictNamingTheNewVersion() {
    String v1 = VAULT.seed("app/db", utf8("old-vault-pw-3"));
    SecretRecord pending = provider.stage("app/db", v1, utf8("cand-4"));
    VAULT.seed("app/db", utf8("operator-wrote-this"));

    assertThatThrownBy(() -> provider.promote("app/db", pending.versionId(), v1))
        .isInstanceOf(RotationConflictException.class).isInstanceOf(CheckAndSetConflictException.class)
        .hasMessageContaining("version 2").hasMessageNotContaining("operator-wrote-this");
    assertThat(VAULT.versions("app/db")).isEqualTo(2);
  }

  @Test
  void promote_checkAndSetAnswerOnTheWire_isConflict() {
    String v1 = VAULT.seed("app/db", utf8("old-vault-pw-4"));
    SecretRecord pending = provider.stage("app/db", v1, utf8("cand-5"));
    // Vault's own answer to a stale cas
    VAULT.failOnce("/v1/secret/data/app/db", vaultError(400, "check-and-set parameter did not match the current version"));

    assertThatThrownBy(() -> provider.promote("app/db", pending.versionId(), v1))
        .isInstanceOf(RotationConflictException.class);
  }

  @Test
  void discardPending_deletesTheSiblingOnly_idempotent() {
    String v1 = VAULT.seed("app/db", utf8("old-vault-pw-5"));
    SecretRecord pending = provider.stage("app/db", v1, utf8("cand-6"));

    provider.discardPending("app/db", pending.versionId());
    provider.discardPending("app/db", pending.versionId());

    assertThat(VAULT.count("DELETE", "/v1/secret/metadata/app/db.pending")).isEqualTo(1);
    assertThatThrownBy(() -> provider.fetchStage("app/db", VersionStage.PENDING))
        .isInstanceOf(SecretNotFoundException.class);
    assertThat(VAULT.versions("app/db")).isEqualTo(1);
  }

  @Test
  void stage_deniedOnPendingPath_accessDeniedNamingThePolicy() {
    String v1 = VAULT.seed("app/db", utf8("old-vault-pw-6"));
    VAULT.deny("app/db.pending");

    assertThatThrownBy(() -> provider.stage("app/db", v1, utf8("cand-7")))
        .isInstanceOf(io.secretsbroker.SecretAccessDeniedException.class).hasMessageContaining("app/db.pending");
  }

  @Test
  void stage_pendingSuffixName_refused() {
    VAULT.seed("x.pending", utf8("v"));

    assertThatThrownBy(() -> provider.stage("x.pending", "1", utf8("w"))).isInstanceOf(SecretsException.class)
        .hasMessageContaining(".pending");
  }
}
