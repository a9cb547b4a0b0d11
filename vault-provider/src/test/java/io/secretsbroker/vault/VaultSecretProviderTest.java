package io.secretsbroker.vault;

import static io.secretsbroker.vault.FakeVault.vaultError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsException;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** KV v2 semantics, check-and-set, error mapping, names and leases, over the fake Vault's HTTP API. */
class VaultSecretProviderTest {
  @RegisterExtension
  static final FakeVault VAULT = new FakeVault();
  private static final String SENTINEL = "s3ntinel-Value-7f1c9e";

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

  private static String text(SecretRecord r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }

  private static void assertNoValue(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      assertThat(String.valueOf(c.getMessage())).doesNotContain(SENTINEL);
    }
  }

  // ---- values ----

  @Test
  void fetch_kvMap_isJsonWithFieldAccess() {
    VAULT.seedMap("db", "{\"username\":\"app\",\"password\":\"" + SENTINEL + "\",\"port\":5432}");

    SecretRecord r = provider.fetch("db");
    SecretValue v = SecretValue.of("db", r);

    assertThat(v.field("password")).isEqualTo(SENTINEL);
    assertThat(v.field("port")).isEqualTo("5432");
    assertThat(r.versionId()).isEqualTo("1");
    assertThat(r.createdOn()).isAfterOrEqualTo(FakeVault.START);
    assertThat(r.metadata()).containsEntry("mount", "secret");
  }

  @Test
  void fetch_singleValueKey_isThatText() {
    VAULT.seedMap("api-key", "{\"value\":\"abc-" + SENTINEL + "\"}");

    assertThat(text(provider.fetch("api-key"))).isEqualTo("abc-" + SENTINEL);
  }

  @Test
  void put_binary_storedAsValueBase64AndRoundTrips() {
    byte[] binary = {0, (byte) 0xff, 10, (byte) 0x80};

    SecretRecord written = provider.put("blob", binary);

    assertThat(VAULT.data("blob", 1).path("value_base64").asText()).isEqualTo("AP8KgA==");
    assertThat(provider.fetch("blob").value()).containsExactly(binary);
    assertThat(written.versionId()).isEqualTo("1");
  }

  @Test
  void put_jsonObject_storedAsKvMap() {
    provider.put("db", utf8("{\"username\":\"app\",\"password\":\"pw\"}"));

    assertThat(VAULT.data("db", 1).path("password").asText()).isEqualTo("pw");
    assertThat(VAULT.data("db", 1).size()).isEqualTo(2);
  }

  @Test
  void put_plainText_storedUnderValue() {
    provider.put("token", utf8("{not json"));

    assertThat(VAULT.data("token", 1).path("value").asText()).isEqualTo("{not json");
  }

  // ---- versions and deletion ----

  @Test
  void fetch_deletedLatest_throwsNotFoundSayingDeleted() {
    VAULT.seed("gone", utf8(SENTINEL));
    VAULT.deleteLatest("gone", VAULT.clock.instant());

    Throwable t = catchThrowable(() -> provider.fetch("gone"));

    assertThat(t).isInstanceOf(SecretNotFoundException.class).hasMessageContaining("deleted")
        .hasMessageContaining("vault kv undelete");
    assertNoValue(t);
  }

  @Test
  void fetch_destroyedLatest_throwsNotFound() {
    VAULT.seed("gone", utf8("x"));
    VAULT.destroyLatest("gone");

    assertThat(catchThrowable(() -> provider.fetch("gone"))).isInstanceOf(SecretNotFoundException.class)
        .hasMessageContaining("destroyed");
  }

  @Test
  void fetch_scheduledDeletion_isExpiry() {
    VAULT.seed("temp", utf8("x"));
    VAULT.deleteLatest("temp", VAULT.clock.instant().plus(Duration.ofHours(2)));

    assertThat(provider.fetch("temp").expiresOn()).isEqualTo(VAULT.clock.instant().plus(Duration.ofHours(2)));
  }

  @Test
  void fetchVersion_sendsVersionQuery_andRejectsNonNumericWithoutRequest() {
    VAULT.seed("k", utf8("one"));
    VAULT.seed("k", utf8("two"));

    assertThat(text(provider.fetchVersion("k", "1"))).isEqualTo("one");
    int before = VAULT.totalRequests();
    assertThat(catchThrowable(() -> provider.fetchVersion("k", "abc"))).isInstanceOf(SecretNotFoundException.class);
    assertThat(VAULT.totalRequests()).isEqualTo(before);
  }

  // ---- check-and-set ----

  @Test
  void put_newSecret_sendsCasZero() {
    provider.put("fresh", utf8("v1"));

    assertThat(VAULT.lastBody("POST", "/v1/secret/data/fresh").path("options").path("cas").asInt()).isZero();
  }

  @Test
  void put_afterRead_sendsVersionRead() {
    VAULT.seed("r", utf8("v1"));
    VAULT.seed("r", utf8("v2"));
    provider.fetch("r");

    SecretRecord written = provider.put("r", utf8("v3"));

    assertThat(VAULT.lastBody("POST", "/v1/secret/data/r").path("options").path("cas").asInt()).isEqualTo(2);
    assertThat(written.versionId()).isEqualTo("3");
  }

  @Test
  void put_concurrentWriterWonRace_throwsConflictAndKeepsTheirVersion() {
    VAULT.seed("rot", utf8("v1"));
    provider.fetch("rot");
    VAULT.seed("rot", utf8("theirs")); // another rotation lands first

    Throwable t = catchThrowable(() -> provider.put("rot", utf8("mine-" + SENTINEL)));

    assertThat(t).isInstanceOf(CheckAndSetConflictException.class).isInstanceOf(RotationFailedException.class)
        .hasMessageContaining("rot").hasMessageContaining("version 1").hasMessageContaining("nothing was written");
    assertNoValue(t);
    assertThat(VAULT.versions("rot")).isEqualTo(2);
    assertThat(text(provider.fetch("rot"))).isEqualTo("theirs");
    assertThat(provider.put("rot", utf8("mine")).versionId()).as("after a fresh read the write goes through")
        .isEqualTo("3");
  }

  @Test
  void put_twoProvidersRacing_exactlyOneWins() {
    VAULT.seed("race", utf8("v1"));
    try (VaultSecretProvider other = VAULT.provider()) {
      provider.fetch("race");
      other.fetch("race");

      provider.put("race", utf8("a"));
      Throwable t = catchThrowable(() -> other.put("race", utf8("b")));

      assertThat(t).isInstanceOf(CheckAndSetConflictException.class);
      assertThat(text(provider.fetch("race"))).isEqualTo("a");
    }
  }

  // ---- errors ----

  @Test
  void fetch_denied_namesPolicyPath() {
    VAULT.seed("prod/orders/db", utf8(SENTINEL));
    VAULT.deny("prod/orders/db");

    Throwable t = catchThrowable(() -> provider.fetch("prod/orders/db"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("path \"secret/data/prod/orders/db\" { capabilities = [\"read\"] }")
        .hasMessageContaining("auth=approle");
    assertNoValue(t);
    assertThat(VAULT.count("POST", "/v1/auth/approle/login")).as("a policy denial is not a token problem").isEqualTo(1);
  }

  @Test
  void fetch_sealed_throwsUnavailableSayingSealed() {
    VAULT.seed("db", utf8("x"));
    provider.fetch("db");
    VAULT.seal();

    assertThat(catchThrowable(() -> provider.fetch("db"))).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("sealed").hasMessageContaining("unseal");
  }

  @Test
  void fetch_throttledOrServerError_throwsUnavailable() {
    VAULT.seed("db", utf8("x"));
    for (int status : List.of(429, 500, 502, 503, 412)) {
      VAULT.failOnce("/v1/secret/data/db", vaultError(status, "boom"));

      assertThat(catchThrowable(() -> provider.fetch("db"))).as("HTTP %d", status)
          .isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("HTTP " + status);
    }
  }

  @Test
  void fetch_connectionDropped_throwsUnavailable() {
    VAULT.seed("db", utf8("x"));
    provider.fetch("db");
    VAULT.failOnce("/v1/secret/data/db", WireMock.aResponse().withFault(
        com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER));

    assertThat(catchThrowable(() -> provider.fetch("db"))).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("could not be reached");
  }

  @Test
  void fetch_slowVault_timesOutAsUnavailable() {
    VaultSecretProvider quick = VAULT.provider(VAULT.appRole() + "&timeout=PT0.2S");
    VAULT.seed("db", utf8("x"));
    quick.fetch("db");
    VAULT.failOnce("/v1/secret/data/db", WireMock.aResponse().withStatus(200).withFixedDelay(2_000));

    assertThat(catchThrowable(() -> quick.fetch("db"))).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("did not answer within 200 ms");
    quick.close();
  }

  @Test
  void fetch_unknownMount_throwsConfigurationNamingMount() {
    VaultSecretProvider wrong = VAULT.providerAt("kv", VAULT.appRole(), java.util.Map.of());

    assertThat(catchThrowable(() -> wrong.fetch("db"))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no secrets engine at 'kv'").hasMessageContaining("KV version 2");
    wrong.close();
  }

  @Test
  void namespace_isSentOnEveryVaultRequest() {
    VaultSecretProvider ns = VAULT.provider(VAULT.appRole() + "&namespace=team-a/");
    VAULT.seed("db", utf8("x"));

    ns.fetch("db");

    assertThat(VAULT.requests("GET", "/v1/secret/data/db").get(0).getHeader("X-Vault-Namespace")).isEqualTo("team-a");
    assertThat(VAULT.requests("POST", "/v1/auth/approle/login").get(0).getHeader("X-Vault-Namespace"))
        .isEqualTo("team-a");
    ns.close();
  }

  // ---- names ----

  @Test
  void fetch_traversalNames_refusedBeforeAnyRequest() {
    for (String bad : List.of("../sys/seal", "a/%2e%2e/b", "%2E%2E/x", "a%2fb", "/abs", "a\\..\\b")) {
      Throwable t = catchThrowable(() -> provider.fetch(bad));
      assertThat(t).as(bad).isInstanceOf(SecretsException.class);
    }
    assertThat(VAULT.totalRequests()).isZero();
  }

  @Test
  void fetch_nameWithSpacesAndUnicode_isEncodedPerSegment() {
    VAULT.seed("team a/pässwort", utf8("x"));

    assertThat(text(provider.fetch("team a/pässwort"))).isEqualTo("x");
    assertThat(VAULT.requests("GET", "/v1/secret/data/team%20a/p%C3%A4sswort")).hasSize(1);
  }

  // ---- dynamic secrets and leases ----

  @Test
  void fetch_dynamicSecret_exposesLeaseAndExpiry() {
    VaultSecretProvider dyn = dynamicProvider();

    SecretRecord r = dyn.fetch("database/creds/readonly");
    SecretValue v = SecretValue.of("db", r);

    assertThat(v.field("username")).startsWith("v-app-");
    assertThat(v.leaseDuration()).contains(Duration.ofHours(1));
    assertThat(r.metadata()).containsKey("leaseId").containsEntry("renewable", "true");
    assertThat(r.versionId()).isEqualTo(r.metadata().get("leaseId")).startsWith("database/creds/readonly/");
    assertThat(r.expiresOn()).isEqualTo(VAULT.clock.instant().plus(Duration.ofHours(1)));
    assertThat(VAULT.requests("GET", "/v1/database/creds/readonly")).hasSize(1);
    dyn.close();
  }

  @Test
  void close_revokesLeasesStillRunning_once() {
    VaultSecretProvider dyn = dynamicProvider();
    String first = dyn.fetch("database/creds/readonly").versionId();
    String second = dyn.fetch("database/creds/readonly").versionId();

    dyn.close();
    dyn.close();

    assertThat(VAULT.revokedLeases).containsExactlyInAnyOrder(first, second);
    assertThat(VAULT.count("PUT", "/v1/sys/leases/revoke")).isEqualTo(2);
    assertThat(VAULT.count("POST", "/v1/auth/token/revoke-self")).as("own token revoked last").isEqualTo(1);
  }

  @Test
  void close_expiredLeases_areNotRevoked() {
    VaultSecretProvider dyn = dynamicProvider();
    dyn.fetch("database/creds/readonly");
    VAULT.clock.advance(Duration.ofHours(2));

    dyn.close();

    assertThat(VAULT.count("PUT", "/v1/sys/leases/revoke")).isZero();
  }

  @Test
  void dynamicSecret_hasNoVersionsAndIsReadOnly() {
    VaultSecretProvider dyn = dynamicProvider();

    assertThat(catchThrowable(() -> dyn.fetchVersion("database/creds/readonly", "1")))
        .isInstanceOf(SecretNotFoundException.class).hasMessageContaining("new lease");
    assertThat(catchThrowable(() -> dyn.put("database/creds/readonly", utf8("x"))))
        .isInstanceOf(SecretsException.class).hasMessageContaining("cannot be written");
    dyn.close();
  }

  @Test
  void fetch_kvNameOutsideDynamicPrefix_readsKv() {
    VaultSecretProvider dyn = dynamicProvider();
    VAULT.seed("database/config", utf8("kv"));

    assertThat(text(dyn.fetch("database/config"))).isEqualTo("kv");
    dyn.close();
  }

  @Test
  void closed_provider_refusesCalls() {
    provider.close();

    assertThat(catchThrowable(() -> provider.fetch("db"))).isInstanceOf(SecretsException.class)
        .hasMessageContaining("closed");
  }

  private static VaultSecretProvider dynamicProvider() {
    return VAULT.provider(VAULT.appRole()
        + "&dynamic=database/creds");
  }
}
