package io.secretsbroker.aws;

import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.testkit.ProviderContractTest;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite against {@link FakeSecretsManager}: real AWS JSON 1.1 over loopback HTTP. */
class AwsProviderContractTest extends ProviderContractTest {
  @RegisterExtension
  static final FakeSecretsManager AWS = new FakeSecretsManager();

  @Override
  protected SecretProvider createProvider() {
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
  protected void failNextCallTransiently(String name) {
    AWS.failOnce("GetSecretValue", FakeSecretsManager.awsError(500, "InternalServiceError",
        "An error occurred on the server side."));
  }

  @Override
  protected java.util.Optional<String> uriWithUnknownParameter() {
    return java.util.Optional.of("aws://?region=eu-west-1&bogus=1");
  }

  @Override
  protected String unknownVersionId() {
    return UUID.randomUUID().toString();
  }
}
