package io.secretsbroker.vault;

import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.testkit.ProviderContractTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite against {@link FakeVault}: KV v2 over Vault's HTTP API, AppRole login. */
class VaultProviderContractTest extends ProviderContractTest {
  @RegisterExtension
  static final FakeVault VAULT = new FakeVault();

  @Override
  protected SecretProvider createProvider() {
    return VAULT.provider();
  }

  @Override
  protected String seed(String name, byte[] value) {
    return VAULT.seed(name, value);
  }

  @Override
  protected void denyAccess(String name) {
    VAULT.deny(name);
  }

  @Override
  protected void failNextCallTransiently(String name) {
    VAULT.failOnce("/v1/secret/data/" + name, com.github.tomakehurst.wiremock.client.WireMock.aResponse()
        .withStatus(503).withHeader("Content-Type", "application/json").withBody("{\"errors\":[\"Vault is sealed\"]}"));
  }

  @Override
  protected java.util.Optional<String> uriWithUnknownParameter() {
    return java.util.Optional.of("vault://vault.internal:8200/secret?auth=approle&bogus=1");
  }
}
