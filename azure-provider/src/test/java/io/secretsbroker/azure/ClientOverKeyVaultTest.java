package io.secretsbroker.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole portable client over the Key Vault driver: retries, metadata, batch reads. */
class ClientOverKeyVaultTest {
  private FakeKeyVault vault;
  private SecretsClient client;

  @BeforeEach
  void start() {
    vault = new FakeKeyVault();
    KeyVaultSecretProvider provider = AzureProviderContractTest.provider(vault, new TestCredential(), "localhost",
        "10", Clock.systemUTC());
    client = SecretsClient.builder().provider(provider).ambientConfiguration(false).build();
  }

  @AfterEach
  void stop() {
    client.close();
    vault.close();
  }

  @Test
  void get_serverErrorThenOk_ridesOutThroughClientRetry() {
    vault.seed("db", "postgres://app", null, true, null, null);
    vault.server.stubFor(get(urlPathMatching("/secrets/db/?")).atPriority(1)
        .withHeader("Authorization", matching("Bearer .*"))
        .inScenario("flaky").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("recovered")
        .willReturn(FakeKeyVault.error(500, "InternalServerError", "Try again.", null)));

    assertThat(client.get("db")).isEqualTo("postgres://app");
    assertThat(vault.server.getAllServeEvents()).filteredOn(e -> e.getResponse().getStatus() == 500).hasSize(1);
  }

  @Test
  void value_secretWithExpiry_carriesKeyVaultMetadata() {
    Instant expires = Instant.now().plus(90, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    String version = vault.seed("prod--orders--db", "{\"password\":\"pw\"}", "application/json", true, expires, null);

    SecretValue value = client.value("prod/orders/db");

    assertThat(value.versionId()).isEqualTo(version);
    assertThat(value.expiresOn()).contains(expires);
    assertThat(value.metadata()).containsEntry("contentType", "application/json").containsEntry("enabled", "true");
    assertThat(value.field("password")).isEqualTo("pw");
  }
}
