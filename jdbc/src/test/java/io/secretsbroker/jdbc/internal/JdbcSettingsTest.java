package io.secretsbroker.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JdbcSettingsTest {

  @Test
  void parse_shortIsoAndOff() {
    assertThat(JdbcSettings.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(JdbcSettings.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(JdbcSettings.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(JdbcSettings.parse("PT45S")).isEqualTo(Duration.ofSeconds(45));
    assertThat(JdbcSettings.parse("off")).isZero();
    assertThat(JdbcSettings.parse("0")).isZero();
    assertThat(JdbcSettings.parse(" OFF ")).isZero();
    assertThat(JdbcSettings.parse("0s")).isZero();
  }

  @Test
  void parse_acceptsWhatTheClientAcceptsForItsDurations() {
    // the client's own parser (Configuration.parseDuration): days and a space before the unit
    assertThat(JdbcSettings.parse("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(JdbcSettings.parse("30 s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(JdbcSettings.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void parse_garbage_namesTheKey() {
    assertThatThrownBy(() -> JdbcSettings.parse("soon")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("secrets.jdbc.login-retry=soon").hasMessageContaining("off");
    assertThatThrownBy(() -> JdbcSettings.parse("-PT1S")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> JdbcSettings.parse("99999999999999999999d")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("secrets.jdbc.login-retry");
  }

  @Test
  void default_isThirtySeconds_andASystemPropertyOverridesIt() {
    assertThat(JdbcSettings.loginRetry()).isEqualTo(Duration.ofSeconds(30));
    System.setProperty(JdbcSettings.LOGIN_RETRY, "5s");
    try {
      assertThat(JdbcSettings.loginRetry()).isEqualTo(Duration.ofSeconds(5));
    } finally {
      System.clearProperty(JdbcSettings.LOGIN_RETRY);
    }
  }

  @Test
  void theClientsKeyCheck_acceptsTheKey() {
    try (SecretsClient c = SecretsClient.builder().provider(new InMemorySecretProvider()).ambientConfiguration(false)
        .property("secrets.jdbc.login-retry", "5s").build()) {
      assertThat(c).isNotNull();
    }
    assertThatThrownBy(() -> SecretsClient.builder().provider(new InMemorySecretProvider()).ambientConfiguration(false)
        .property("secrets.jdbc.login-retyr", "5s").build()).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("secrets.jdbc.login-retry");
  }
}
