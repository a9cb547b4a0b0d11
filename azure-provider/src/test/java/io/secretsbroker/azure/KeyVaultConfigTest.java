package io.secretsbroker.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.azure.KeyVaultConfig.CredentialKind;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyVaultConfigTest {

  private static KeyVaultConfig parse(String uri) {
    return KeyVaultConfig.from(ProviderUri.parse(uri));
  }

  private static Throwable failure(String uri) {
    return catchThrowable(() -> parse(uri));
  }

  @ParameterizedTest
  @CsvSource({
      "azure://my-vault.vault.azure.net, https://my-vault.vault.azure.net",
      "azure://My-Vault.VAULT.azure.net/, https://my-vault.vault.azure.net",
      "azure://cn-vault.vault.azure.cn, https://cn-vault.vault.azure.cn",
      "azure://gov-vault.vault.usgovcloudapi.net, https://gov-vault.vault.usgovcloudapi.net",
      "azure://de-vault.vault.microsoftazure.de, https://de-vault.vault.microsoftazure.de",
  })
  void from_keyVaultHosts_inAllClouds_areAccepted(String uri, String url) {
    KeyVaultConfig config = parse(uri);

    assertThat(config.vaultUrl()).isEqualTo(url);
    assertThat(config.credential()).isEqualTo(CredentialKind.MANAGED_IDENTITY);
    assertThat(config.verifyChallengeResource()).isTrue();
    assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"azure://my-vault.example.com", "azure://vault.azure.net", "azure://my-vault.vault.azure.net.evil.com",
      "azure://x.vault.azure.net", "azure://my_vault.vault.azure.net"})
  void from_otherHosts_areRejectedWithoutEndpoint(String uri) {
    assertThat(failure(uri)).isInstanceOf(ConfigurationException.class).hasMessageContaining("not a Key Vault host");
  }

  @Test
  void from_noHost_isRejected() {
    assertThat(failure("azure://?credential=cli")).isInstanceOf(ConfigurationException.class).hasMessageContaining("names no vault");
  }

  @Test
  void from_portOrPath_isRejected() {
    assertThat(failure("azure://my-vault.vault.azure.net:8443")).hasMessageContaining("port");
    assertThat(failure("azure://my-vault.vault.azure.net/secrets")).hasMessageContaining("path");
  }

  @ParameterizedTest
  @ValueSource(strings = {"client-secret", "clientSecret", "client_secret", "password", "certificate", "access-token"})
  void from_credentialLikeParameter_isRefusedSayingSecretsAreNeverRead(String param) {
    Throwable t = failure("azure://my-vault.vault.azure.net?" + param + "=abc123");

    // The shared ProviderUri check refuses the common credential words first; the provider's own check
    // catches the Azure-specific ones (certificate, ...). Either way the value is never echoed.
    assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining(param)
        .hasMessageNotContaining("abc123");
    assertThat(t.getMessage()).containsAnyOf("never reads", "never holds credentials");
  }

  @Test
  void from_unknownParameter_namesNearestValidOne() {
    assertThat(failure("azure://my-vault.vault.azure.net?credentail=cli")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'credential'");
  }

  @Test
  void from_credentialKinds_parse() {
    assertThat(parse("azure://v01.vault.azure.net?credential=workload-identity").credential())
        .isEqualTo(CredentialKind.WORKLOAD_IDENTITY);
    assertThat(parse("azure://v01.vault.azure.net?credential=default").credential()).isEqualTo(CredentialKind.DEFAULT);
    assertThat(parse("azure://v01.vault.azure.net?credential=cli").credential()).isEqualTo(CredentialKind.CLI);
    assertThat(failure("azure://v01.vault.azure.net?credential=client-secret"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("managed-identity");
  }

  @Test
  void from_clientId_mustBeGuidAndNotWithCli() {
    String guid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    assertThat(parse("azure://v01.vault.azure.net?client-id=" + guid).clientId()).isEqualTo(guid);
    assertThat(failure("azure://v01.vault.azure.net?client-id=my-identity")).hasMessageContaining("GUID");
    assertThat(failure("azure://v01.vault.azure.net?credential=cli&client-id=" + guid))
        .hasMessageContaining("credential=cli");
  }

  @Test
  void from_endpointOverride_acceptsAnyHostOverHttpsAndVerifiesChallengeUnlessLoopback() {
    KeyVaultConfig emulator = parse("azure://dev?endpoint=https://localhost:8443");
    KeyVaultConfig proxy = parse("azure://dev?endpoint=https://kv-proxy.internal");

    assertThat(emulator.vaultUrl()).isEqualTo("https://localhost:8443");
    assertThat(emulator.label()).isEqualTo("dev");
    assertThat(emulator.verifyChallengeResource()).isFalse();
    assertThat(proxy.verifyChallengeResource()).isTrue();
  }

  @Test
  void from_plainHttpEndpoint_isRejected() {
    assertThat(failure("azure://dev?endpoint=http://kv.internal:8080")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("non-loopback");
    assertThat(failure("azure://dev?endpoint=http://localhost:8080")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("bearer tokens only over https");
    assertThat(failure("azure://dev?endpoint=https://localhost:8443/vault/secrets")).hasMessageContaining("/secrets");
  }

  @Test
  void from_endpointWithPath_keepsThePath_forMultiVaultEmulators() {
    KeyVaultConfig c = parse("azure://orders?endpoint=https://127.0.0.1:4577/orders-keyvault/&credential=emulator");

    assertThat(c.vaultUrl()).isEqualTo("https://127.0.0.1:4577/orders-keyvault");
    assertThat(c.credential()).isEqualTo(KeyVaultConfig.CredentialKind.EMULATOR);
    assertThat(c.verifyChallengeResource()).isFalse();
  }

  @Test
  void from_emulatorCredential_onlyForLoopbackEndpoints() {
    assertThat(failure("azure://v01.vault.azure.net?credential=emulator")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("endpoint=https://localhost");
    assertThat(failure("azure://dev?endpoint=https://kv.example.com:8443&credential=emulator"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("this machine");
  }

  @Test
  void emulatorCredential_givesAPlaceholderToken_withoutNetwork() {
    KeyVaultConfig c = parse("azure://dev?endpoint=https://localhost:8443&credential=emulator");
    com.azure.core.credential.TokenCredential credential = Credentials.create(c, name -> null);

    com.azure.core.credential.AccessToken token = credential.getTokenSync(
        new com.azure.core.credential.TokenRequestContext().addScopes("https://vault.azure.net/.default"));

    assertThat(token.getToken()).isEqualTo("emulator");
  }

  @Test
  void from_timeout_parsesSecondsAndIso() {
    assertThat(parse("azure://v01.vault.azure.net?timeout=3").timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(parse("azure://v01.vault.azure.net?timeout=PT0.5S").timeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(failure("azure://v01.vault.azure.net?timeout=soon")).hasMessageContaining("not a duration");
    assertThat(failure("azure://v01.vault.azure.net?timeout=PT1H")).hasMessageContaining("out of range");
  }

  @Test
  void serviceLoader_findsFactoryForAzureScheme_andCreatesWithoutNetwork() {
    SecretProviderFactory factory = ServiceLoader.load(SecretProviderFactory.class).stream()
        .map(ServiceLoader.Provider::get).filter(f -> f.scheme().equals("azure")).findFirst().orElseThrow();

    try (SecretProvider p = factory.create(ProviderUri.parse("azure://my-vault.vault.azure.net?credential=cli"))) {
      assertThat(p.id()).isEqualTo("azure:my-vault");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"managed-identity", "default", "cli"})
  void factory_credentialKinds_buildWithoutNetworkOrClientSecret(String kind) {
    try (SecretProvider p = new AzureKeyVaultProviderFactory().create(
        ProviderUri.parse("azure://my-vault.vault.azure.net?credential=" + kind))) {
      assertThat(p.id()).isEqualTo("azure:my-vault");
    }
  }

  @Test
  void credentials_workloadIdentityWithoutWebhookVariables_namesThemInConfigurationError() {
    KeyVaultConfig config = parse("azure://my-vault.vault.azure.net?credential=workload-identity");

    Throwable t = catchThrowable(() -> Credentials.create(config, java.util.Map.<String, String>of()::get));

    assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining("AZURE_TENANT_ID")
        .hasMessageContaining("AZURE_FEDERATED_TOKEN_FILE").hasMessageContaining("AZURE_CLIENT_ID");
  }

  @Test
  void credentials_workloadIdentityWithWebhookVariables_builds() {
    KeyVaultConfig config = parse("azure://my-vault.vault.azure.net?credential=workload-identity"
        + "&client-id=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    java.util.Map<String, String> env = java.util.Map.of("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47",
        "AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token");

    assertThat(Credentials.create(config, env::get)).isNotNull();
    assertThat(Credentials.create(parse("azure://my-vault.vault.azure.net?credential=default"), env::get)).isNotNull();
  }

  @Test
  void secretsClient_fromProperties_opensAzureProviderByScheme() {
    try (SecretsClient client = SecretsClient.builder().ambientConfiguration(false)
        .property("secrets.provider", "azure://my-vault.vault.azure.net?credential=cli").build()) {
      assertThat(client).isNotNull();
    }
    Throwable t = catchThrowable(() -> SecretsClient.builder().ambientConfiguration(false)
        .property("secrets.provider", "azure://my-vault.vault.azure.net?client-secret=x").build());
    assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining("never holds credentials");
  }

  @Test
  void from_noTimeoutParameter_takesThePortableCallTimeout_theParameterWins() {
    assertThat(KeyVaultConfig.from(ProviderUri.parse("azure://v01.vault.azure.net", java.util.Map.of("secrets.provider.call-timeout", "3s"))).timeout())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(KeyVaultConfig.from(ProviderUri.parse("azure://v01.vault.azure.net?timeout=5", java.util.Map.of("secrets.provider.call-timeout", "3s"))).timeout())
        .isEqualTo(Duration.ofSeconds(5));
  }
}
