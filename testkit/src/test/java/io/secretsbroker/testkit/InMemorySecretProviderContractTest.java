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

  @Override
  protected void failNextCallTransiently(String name) {
    store.throttleNext(1);
  }

  @Override
  protected java.util.Optional<String> uriWithUnknownParameter() {
    return java.util.Optional.of("memory://?bogus=1");
  }
}
