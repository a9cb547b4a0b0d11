package io.secretsbroker.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.ProviderUri;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A CRaC / SnapStart checkpoint driven through {@code org.crac} (testkit's simulated runtime), over
 * Key Vault's REST API on WireMock: before the image the provider drops the SDK client with the
 * access token its bearer policy cached, the credential and the HTTP client; after restore the next
 * read builds a new credential, which is asked for a token again.
 */
class KeyVaultCheckpointTest {
  private final FakeKeyVault vault = new FakeKeyVault();
  private final List<TestCredential> credentials = new CopyOnWriteArrayList<>();
  private final AtomicInteger httpClients = new AtomicInteger();

  @AfterEach
  void stop() {
    vault.close();
    io.secretsbroker.testkit.crac.Core.whileCheckpointed(() -> {});
  }

  private KeyVaultSecretProvider provider() {
    KeyVaultConfig config = KeyVaultConfig.from(ProviderUri.parse("azure://test-vault.vault.azure.net?endpoint="
        + vault.endpoint("localhost") + "&timeout=" + KeyVaultConfig.DEFAULT_TIMEOUT.toSeconds()));
    return new KeyVaultSecretProvider(config, () -> {
      TestCredential c = new TestCredential();
      credentials.add(c);
      return c;
    }, () -> {
      httpClients.incrementAndGet();
      return KeyVaultSecretProvider.httpClient(java.net.http.HttpClient.newBuilder()
          .sslContext(TestTls.trustingTestCertificate()), config.timeout());
    }, Clock.systemUTC());
  }

  @Test
  void checkpoint_dropsClientTokenAndConnections_restoreSignsInAgain() throws Exception {
    assumeTrue(io.secretsbroker.testkit.crac.Core.isActive(), "the simulated CRaC runtime is not enabled"
        + " (-Dorg.crac.Core.Compat=io.secretsbroker.testkit.crac, set by the parent pom's surefire)");
    KeyVaultSecret stored = KeyVaultSecretProvider.stored("db", "kv-ckpt-value".getBytes(StandardCharsets.UTF_8));
    vault.seed("db", stored.getValue(), stored.getProperties().getContentType(), true, null, null);
    KeyVaultSecretProvider provider = provider();
    AtomicBoolean heldWhileCheckpointed = new AtomicBoolean(true);
    try (SecretsClient client = SecretsClient.builder().provider(provider).ambientConfiguration(false)
        .properties(Map.of("secrets.audit", "off")).build()) {
      assertThat(client.get("db")).isEqualTo("kv-ckpt-value");
      client.refresh("db");
      assertThat(credentials).hasSize(1);
      assertThat(credentials.get(0).requests).as("the bearer policy caches the token").hasSize(1);

      io.secretsbroker.testkit.crac.Core.whileCheckpointed(() -> heldWhileCheckpointed.set(provider.holdsClient()));
      org.crac.Core.checkpointRestore();

      assertThat(heldWhileCheckpointed).as("SDK client, token cache and connections dropped").isFalse();
      assertThat(client.get("db")).isEqualTo("kv-ckpt-value");
      assertThat(credentials).as("a new credential, as the restored environment's identity").hasSize(2);
      assertThat(credentials.get(1).requests).hasSize(1);
      assertThat(httpClients).hasValue(2);
      assertThat(provider.clientBuilds()).isEqualTo(2);
    }
  }
}
