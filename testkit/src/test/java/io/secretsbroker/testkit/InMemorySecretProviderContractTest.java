package io.secretsbroker.testkit;

import io.secretsbroker.spi.SecretProvider;

/** The in-memory provider passes the conformance suite every provider passes. */
class InMemorySecretProviderContractTest extends ProviderContractTest {
  private InMemorySecretProvider store;

  @Override
  protected SecretProvider createProvider() {
    store = new InMemorySecretProvider();
    return store;
  }

  @Override
  protected String seed(String name, byte[] value) {
    return store.seed(name, value).currentVersion(name).orElseThrow();
  }

  @Override
  protected void denyAccess(String name) {
    store.deny(name);
  }
}
