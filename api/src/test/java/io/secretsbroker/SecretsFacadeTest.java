package io.secretsbroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SecretsFacadeTest {
  private static final SecretProvider JSON_PROVIDER = name -> new SecretRecord(name, "1",
      "{\"password\":\"pw\"}".getBytes(StandardCharsets.UTF_8), Instant.EPOCH);

  @AfterEach
  void reset() {
    SecretsClient previous = Secrets.install(null);
    if (previous != null) {
      previous.close();
    }
  }

  @Test
  void get_installedClient_delegates() {
    Secrets.install(SecretsClient.builder().provider(JSON_PROVIDER).ambientConfiguration(false).build());

    assertThat(Secrets.get("db")).isEqualTo("{\"password\":\"pw\"}");
    assertThat(Secrets.field("db", "password")).isEqualTo("pw");
    assertThat(Secrets.value("db").versionId()).isEqualTo("1");
    assertThat(Secrets.client()).isSameAs(Secrets.client());
  }

  @Test
  void client_badConfiguration_failsAndNextCallTriesAgain() {
    System.setProperty("secrets.provider", "nosuchscheme://x");
    try {
      assertThatThrownBy(Secrets::client).isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("nosuchscheme");
      assertThatThrownBy(() -> Secrets.get("db")).isInstanceOf(ConfigurationException.class);
    } finally {
      System.clearProperty("secrets.provider");
    }
  }

  @Test
  void client_afterDefaultClientClosed_nextCallBuildsAFreshOne() {
    System.setProperty("secrets.provider", "facadetest://");
    System.setProperty("secrets.guard", "off");
    try {
      SecretsClient first = Secrets.client();
      String before = Secrets.get("db");
      first.close();

      String after = Secrets.get("db");

      assertThat(Secrets.client()).isNotSameAs(first);
      assertThat(after).isNotEqualTo(before).startsWith("value-from-client-");
      assertThatThrownBy(() -> first.get("db")).isInstanceOf(ClientClosedException.class);
    } finally {
      System.clearProperty("secrets.provider");
      System.clearProperty("secrets.guard");
    }
  }
}
