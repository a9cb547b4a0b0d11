package io.secretsbroker.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsClient;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension as a user registers it. */
class SecretsExtensionTest {
  @RegisterExtension
  static SecretsExtension secrets = SecretsExtension.withSecrets(Map.of("db", "pw", "api", "key"));

  private InMemorySecretProvider fromBeforeEach;

  @BeforeEach
  void setUp(InMemorySecretProvider provider) {
    fromBeforeEach = provider;
  }

  @Test
  void facade_seededSecret_returnsIt() {
    assertThat(Secrets.get("db")).isEqualTo("pw");
    assertThat(Secrets.get("api")).isEqualTo("key");
  }

  @Test
  void parameters_clientAndProvider_sameAsAccessorsAndFacade(SecretsClient client, InMemorySecretProvider provider) {
    assertThat(client).isSameAs(secrets.client()).isSameAs(Secrets.client());
    assertThat(provider).isSameAs(secrets.provider()).isSameAs(fromBeforeEach);

    client.get("db");
    client.get("db");

    assertThat(provider.fetchCount("db")).isEqualTo(1);
  }

  @Test
  void provider_writtenInTest_clientSeesRotation(SecretsClient client, InMemorySecretProvider provider) {
    assertThat(client.get("db")).isEqualTo("pw");

    provider.seed("db", "pw2");
    client.refresh("db");

    assertThat(Secrets.get("db")).isEqualTo("pw2");
  }
}
