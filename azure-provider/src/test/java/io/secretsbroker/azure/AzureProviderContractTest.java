package io.secretsbroker.azure;

import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.testkit.ProviderContractTest;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;

/**
 * The conformance suite against {@link FakeKeyVault}: Key Vault's REST API on WireMock over HTTPS,
 * with the bearer challenge on each fresh connection authority. Binary values are seeded the way
 * Key Vault holds them: base64 with content type {@code application/octet-stream}.
 */
class AzureProviderContractTest extends ProviderContractTest {
  private FakeKeyVault vault;

  @Override
  protected SecretProvider createProvider() {
    vault = new FakeKeyVault();
    return provider(vault, new TestCredential());
  }

  static KeyVaultSecretProvider provider(FakeKeyVault vault, TestCredential credential) {
    return provider(vault, credential, "localhost", KeyVaultConfig.DEFAULT_TIMEOUT.toSeconds() + "",
        Clock.systemUTC());
  }

  static KeyVaultSecretProvider provider(FakeKeyVault vault, TestCredential credential, String host, String timeout,
      Clock clock) {
    KeyVaultConfig config = KeyVaultConfig.from(ProviderUri.parse("azure://test-vault.vault.azure.net?endpoint="
        + vault.endpoint(host) + "&timeout=" + timeout));
    return new KeyVaultSecretProvider(config, credential,
        KeyVaultSecretProvider.httpClient(java.net.http.HttpClient.newBuilder()
            .sslContext(TestTls.trustingTestCertificate()), config.timeout()),
        clock);
  }

  @Override
  protected String seed(String name, byte[] value) {
    String vaultName = KeyVaultNames.toVaultName(name);
    KeyVaultSecret stored = KeyVaultSecretProvider.stored(vaultName, value);
    return vault.seed(vaultName, stored.getValue(), stored.getProperties().getContentType(), true, null, null);
  }

  @Override
  protected void failNextCallTransiently(String name) {
    vault.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
            com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/secrets/" + KeyVaultNames.toVaultName(name) + "/?"))
        .atPriority(1)
        .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.matching("Bearer .*"))
        .willReturn(FakeKeyVault.error(503, "ServiceUnavailable", "The service is busy.", null)));
  }

  @Override
  protected java.util.Optional<String> uriWithUnknownParameter() {
    return java.util.Optional.of("azure://test-vault.vault.azure.net?bogus=1");
  }

  @Override
  protected void denyAccess(String name) {
    vault.deny(KeyVaultNames.toVaultName(name));
  }

  @Override
  protected String unknownVersionId() {
    return "0123456789abcdef0123456789abcdef";
  }

  @AfterEach
  void stopVault() {
    if (vault != null) {
      vault.close();
    }
  }
}
