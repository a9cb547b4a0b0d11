package io.secretsbroker.aws;

import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.testkit.ProviderContractTest;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite against {@link FakeSecretsManager}: real AWS JSON 1.1 over loopback HTTP. */
class AwsProviderContractTest extends ProviderContractTest {
  private static final FakeSecretsManager AWS = new FakeSecretsManager();

  @BeforeAll
  static void startFake() {
    AWS.startServer();
  }

  @AfterAll
  static void stopFake() {
    AWS.stopServer();
  }

  @Override
  protected SecretProvider createProvider() {
    AWS.reset();
    return AWS.provider();
  }

  @Override
  protected String seed(String name, byte[] value) {
    return AWS.seed(name, value);
  }

  @Override
  protected void denyAccess(String name) {
    AWS.deny(name);
  }

  @Override
  protected String unknownVersionId() {
    return UUID.randomUUID().toString();
  }
}
