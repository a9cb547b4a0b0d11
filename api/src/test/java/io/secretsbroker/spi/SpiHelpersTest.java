package io.secretsbroker.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ConfigurationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public helpers other modules use instead of the internal classes behind them. */
class SpiHelpersTest {

  @Test
  void allowList_resolvesTemplateEnvAndAliases_likeTheClient() {
    AllowList a = AllowList.from(Map.of("secrets.env", "prod", "secrets.allow", "db,pay,stripe/*",
        "secrets.alias.pay", "prod/payments"));

    assertThat(a.exact()).contains("prod/db", "prod/payments");
    assertThat(a.patterns()).containsExactly("prod/stripe/*");
    assertThat(a.everything()).isFalse();
    assertThat(a.envPrefix()).isEqualTo("prod/");
  }

  @Test
  void allowList_unset_isEverything() {
    assertThat(AllowList.from(Map.of()).everything()).isTrue();
  }

  @Test
  void allowList_badKey_isConfigurationException_andNullIsNamed() {
    assertThatThrownBy(() -> AllowList.from(Map.of("secrets.alow", "db")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("secrets.allow");
    assertThatThrownBy(() -> AllowList.from(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("properties");
  }

  @Test
  void configuration_registeredKeys_areKnownToTheClientsValidation() {
    assertThat(Configuration.knownKeys()).doesNotContain("secrets.spihelperstest.key");
    Configuration.registerKeys("secrets.spihelperstest.key");

    assertThat(Configuration.knownKeys()).contains("secrets.spihelperstest.key", "secrets.provider");
    assertThat(AllowList.from(Map.of("secrets.spihelperstest.key", "x")).everything()).isTrue(); // accepted
  }

  @Test
  void configuration_envNameAndDurations() {
    assertThat(Configuration.toEnvName("secrets.cache.refresh-after")).isEqualTo("SECRETS_CACHE_REFRESH_AFTER");
    assertThat(Configuration.parseDuration("k", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Configuration.parseDuration("k", "PT5M")).isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(() -> Configuration.parseDuration("secrets.watch.interval", "soon"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("secrets.watch.interval");
    assertThatThrownBy(() -> Configuration.parseDuration("k", "0s")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("positive");
    // digits beyond a long, and a long's worth of days beyond a Duration: typed, not a bare NumberFormatException
    assertThatThrownBy(() -> Configuration.parseDuration("k", "99999999999999999999s"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("k=99999999999999999999s");
    assertThatThrownBy(() -> Configuration.parseDuration("k", "9223372036854775807d"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("too long");
  }

  @Test
  void guardCheck_reportsTheModeAndReason_offScansNothing() {
    GuardCheck warn = GuardCheck.of(Map.of("secrets.guard", "warn"));
    GuardCheck off = GuardCheck.of(Map.of("secrets.guard", "off"));

    assertThat(warn.mode()).isEqualTo(GuardCheck.Mode.WARN);
    assertThat(warn.reason()).isEqualTo("secrets.guard=warn");
    assertThat(off.mode()).isEqualTo(GuardCheck.Mode.OFF);
    assertThat(off.findings()).isEmpty();
    assertThatThrownBy(() -> GuardCheck.of(Map.of("secrets.guard", "strict")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("block, warn or off");
  }
}
