package io.secretsbroker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.Transport;
import org.junit.jupiter.api.Test;

class TransportTest {
  @Test
  void requireSecure_httpsAnywhere_accepted() {
    assertThat(Transport.requireSecure("https://vault.internal:8200", "endpoint").getPort()).isEqualTo(8200);
  }

  @Test
  void requireSecure_httpToLoopback_accepted() {
    for (String url : new String[] {"http://localhost:4566", "http://127.0.0.1:8200", "http://[::1]:8080",
        "http://127.0.0.2"}) {
      assertThat(Transport.requireSecure(url, "endpoint")).isNotNull();
    }
  }

  @Test
  void requireSecure_httpElsewhere_rejectedWithFix() {
    for (String url : new String[] {"http://vault.internal:8200", "http://10.0.0.5", "http://localhost.evil.com"}) {
      assertThatThrownBy(() -> Transport.requireSecure(url, "endpoint"))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("https://");
    }
  }

  @Test
  void requireSecure_otherSchemesOrCredentials_rejected() {
    assertThatThrownBy(() -> Transport.requireSecure("ftp://host", "endpoint")).isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> Transport.requireSecure("https://u:p@host", "endpoint"))
        .isInstanceOf(ConfigurationException.class).hasMessageNotContaining("u:p");
  }
}
