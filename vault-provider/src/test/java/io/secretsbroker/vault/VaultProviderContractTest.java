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
}
