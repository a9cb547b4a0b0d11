package io.secretsbroker.ssm;

import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.testkit.ProviderContractTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conformance suite against {@link FakeParameterStore}: real AWS JSON 1.1 over loopback HTTP.
 * Parameter Store stores text only, so the binary round trip is switched off.
 */
class SsmProviderContractTest extends ProviderContractTest {
  @RegisterExtension
  static final FakeParameterStore SSM = new FakeParameterStore();

  @Override
  protected SecretProvider createProvider() {
    return SSM.provider();
  }

  @Override
  protected String seed(String name, byte[] value) {
    return SSM.seed(name, value);
  }

  @Override
  protected void denyAccess(String name) {
    SSM.deny(name);
  }

  @Override
  protected boolean supportsBinary() {
    return false;
  }
}
