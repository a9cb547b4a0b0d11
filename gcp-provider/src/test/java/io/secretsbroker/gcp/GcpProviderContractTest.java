package io.secretsbroker.gcp;

import io.secretsbroker.gcp.internal.GcpConfig;
import io.secretsbroker.gcp.internal.GcpCredentials;
import io.secretsbroker.gcp.internal.GcpSecretProvider;
import io.secretsbroker.gcp.internal.SecretManagerHttp;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.testkit.ProviderContractTest;
import org.junit.jupiter.api.AfterEach;

/**
 * The conformance suite against {@link FakeSecretManager}: Secret Manager's REST API on WireMock,
 * reached the way an emulator is ({@code endpoint=http://127.0.0.1:PORT&credentials=none}).
 */
class GcpProviderContractTest extends ProviderContractTest {
  static final String PROJECT = "my-project";
  private FakeSecretManager fake;

  @Override
  protected SecretProvider createProvider() {
    fake = new FakeSecretManager(PROJECT, null);
    return provider(fake, null);
  }

  /** A provider over {@code fake}; {@code location} null for global secrets. */
  static GcpSecretProvider provider(FakeSecretManager fake, String location) {
    GcpConfig config = GcpConfig.from(ProviderUri.parse("gcp://" + PROJECT + "?endpoint=" + fake.endpoint()
        + "&credentials=none" + (location == null ? "" : "&location=" + location)));
    return new GcpSecretProvider(config, new SecretManagerHttp(config, GcpCredentials.none()));
  }

  @Override
  protected String seed(String name, byte[] value) {
    return fake.seed(SecretManagerNames.toSecretId(name), value);
  }

  @Override
  protected void denyAccess(String name) {
    fake.deny(SecretManagerNames.toSecretId(name));
  }

  @AfterEach
  void stopFake() {
    if (fake != null) {
      fake.close();
    }
  }
}
