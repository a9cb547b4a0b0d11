package io.secretsbroker.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.RotationConflictException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The staged calls on Key Vault's REST API: the candidate in the sibling secret
 * {@code <name>-----pending} (tagged with the version it was staged from), the promotion as a new
 * version of {@code <name>} after re-reading that current is still the expected version, the
 * sibling's soft delete, and the purge a later rotation needs when soft delete blocks the name.
 */
class KeyVaultStagingWireTest {
  private FakeKeyVault vault;
  private KeyVaultSecretProvider provider;

  @BeforeEach
  void open() {
    vault = new FakeKeyVault();
    provider = AzureProviderContractTest.provider(vault, new TestCredential());
  }

  @AfterEach
  void close() {
    provider.close();
    vault.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void pendingName_outsideThePortableRange_soNoSecretMapsToIt() {
    String sibling = KeyVaultSecretProvider.pendingName(KeyVaultNames.toVaultName("prod/orders/db"));

    assertThat(sibling).isEqualTo("prod--orders--db-----pending");
    assertThat(KeyVaultNames.toPortableName(sibling)).isEmpty();
  }

  @Test
  void stage_putsTheSiblingTaggedWithTheBase_mainUntouched() {
    String v1 = vault.seed("prod--db", "old-kv-pw-1", null, true, null, null); // secrets-guard:allow test fixture

    SecretRecord pending = provider.stage("prod/db", v1, utf8("cand-1"));

    vault.server.verify(putRequestedFor(urlPathEqualTo("/secrets/prod--db-----pending"))
        .withRequestBody(matchingJsonPath("$.value", equalTo("cand-1")))
        .withRequestBody(matchingJsonPath("$.tags.stagedFrom", equalTo(v1))));
    vault.server.verify(0, putRequestedFor(urlPathEqualTo("/secrets/prod--db")));
    assertThat(provider.fetchStage("prod/db", VersionStage.PENDING).versionId()).isEqualTo(pending.versionId());
    assertThat(provider.fetchStage("prod/db", VersionStage.PENDING).metadata()).containsEntry("stagedFrom", v1);
  }

  @Test
  void promote_newVersionTaggedWithPrevious_thenSiblingSoftDeleted() {
    String v1 = vault.seed("prod--db", "old-kv-pw-2", null, true, null, null);
    SecretRecord pending = provider.stage("prod/db", v1, utf8("cand-2"));

    SecretRecord promoted = provider.promote("prod/db", pending.versionId(), v1);

    vault.server.verify(putRequestedFor(urlPathEqualTo("/secrets/prod--db"))
        .withRequestBody(matchingJsonPath("$.value", equalTo("cand-2")))
        .withRequestBody(matchingJsonPath("$.tags.previousVersion", equalTo(v1))));
    vault.server.verify(deleteRequestedFor(urlPathEqualTo("/secrets/prod--db-----pending")));
    assertThat(vault.isDeleted("prod--db-----pending")).isTrue();
    assertThat(provider.fetch("prod/db").versionId()).isEqualTo(promoted.versionId());
    assertThat(provider.fetchStage("prod/db", VersionStage.PREVIOUS).value()).isEqualTo(utf8("old-kv-pw-2"));
    assertThatThrownBy(() -> provider.fetchStage("prod/db", VersionStage.PENDING))
        .isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void promote_currentChangedSinceStage_conflictAndNoWrite() {
    String v1 = vault.seed("prod--db", "old-kv-pw-3", null, true, null, null);
    SecretRecord pending = provider.stage("prod/db", v1, utf8("cand-3"));
    String winner = vault.seed("prod--db", "someone-else-wrote", null, true, null, null);

    assertThatThrownBy(() -> provider.promote("prod/db", pending.versionId(), v1))
        .isInstanceOf(RotationConflictException.class).hasMessageContaining(winner)
        .hasMessageNotContaining("someone-else-wrote");
    vault.server.verify(0, putRequestedFor(urlPathEqualTo("/secrets/prod--db")));
  }

  @Test
  void stage_afterAnEarlierSiblingWasSoftDeleted_purgesThenWrites() {
    String v1 = vault.seed("prod--db", "old-kv-pw-4", null, true, null, null);
    SecretRecord first = provider.stage("prod/db", v1, utf8("cand-4"));
    provider.discardPending("prod/db", first.versionId());
    assertThat(vault.isDeleted("prod--db-----pending")).isTrue();

    SecretRecord second = provider.stage("prod/db", v1, utf8("cand-5"));

    vault.server.verify(deleteRequestedFor(urlPathEqualTo("/deletedsecrets/prod--db-----pending")));
    assertThat(provider.fetchStage("prod/db", VersionStage.PENDING).versionId()).isEqualTo(second.versionId());
  }
}
