package io.secretsbroker.internal.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.GuardViolationException;
import io.secretsbroker.guard.Finding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeGuardTest {
  private static final String VALUE = "Vb8-" + FakeTokens.random(FakeTokens.ALNUM, 16, 3);

  @Test
  void of_noSettingOffPlatform_defaultsToWarn() {
    assertThat(RuntimeGuard.of(Map.of(), Map.of("HOME", "/root"), Map.of()).mode()).isEqualTo(RuntimeGuard.Mode.WARN);
  }

  @Test
  void of_platformMarkerPresent_defaultsToBlock() {
    for (String marker : RuntimeGuard.PLATFORM_MARKERS) {
      assertThat(RuntimeGuard.of(Map.of(), Map.of(marker, "x"), Map.of()).mode()).as(marker)
          .isEqualTo(RuntimeGuard.Mode.BLOCK);
    }
  }

  @Test
  void of_prodEnvironment_defaultsToBlock() {
    assertThat(RuntimeGuard.of(Map.of("secrets.env", "prod"), Map.of(), Map.of()).mode())
        .isEqualTo(RuntimeGuard.Mode.BLOCK);
    assertThat(RuntimeGuard.of(Map.of("secrets.env", "staging"), Map.of(), Map.of()).mode())
        .isEqualTo(RuntimeGuard.Mode.WARN);
  }

  @Test
  void of_unknownMode_throwsConfigurationExceptionNamingSetting() {
    assertThatThrownBy(() -> RuntimeGuard.of(Map.of("secrets.guard", "strict"), Map.of(), Map.of()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("secrets.guard").hasMessageContaining("block");
  }

  @Test
  void check_secretNamedSystemProperty_reportedWithMaskedValue() {
    List<Finding> found = RuntimeGuard.of(Map.of(), Map.of(), Map.of("db.password", VALUE, "java.version", "17"))
        .check();
    assertThat(found).singleElement().satisfies(f -> {
      assertThat(f.location()).isEqualTo("sysprop:db.password");
      assertThat(f.ruleId()).isEqualTo("env-secret");
      assertThat(f.masked()).isEqualTo("****");
      assertThat(f.toString()).doesNotContain(VALUE);
    });
  }

  @Test
  void check_placeholdersPathsAndFlags_notReported() {
    Map<String, String> env = Map.of("DB_PASSWORD", "${DB_PASSWORD}", "API_TOKEN", "changeme",
        "GOOGLE_APPLICATION_CREDENTIALS", "/var/run/key.json", "TOKEN_ENABLED", "true", "PWD", "/home/dev",
        "CLIENT_ID", VALUE, "PASSWORD_FILE", "/run/secrets/db", "DB_SECRET", "arn:aws:secretsmanager:eu-west-1:1:secret:db",
        "KV_SECRET", "vault://vault:8200/secret/db", "EMPTY_TOKEN", "");
    assertThat(RuntimeGuard.of(Map.of(), env, Map.of()).check()).isEmpty();
  }

  @Test
  void check_appServiceConnectionString_reportedAsResolvedSetting() {
    List<Finding> found = RuntimeGuard.of(Map.of(), Map.of("SQLCONNSTR_Orders", "Server=tcp:db;Database=orders;"),
        Map.of()).check();
    assertThat(found).extracting(Finding::ruleId).containsExactly("azure-resolved-setting");
  }

  @Test
  void check_credentialFormatUnderInnocentName_reported() {
    String key = FakeTokens.awsKeyId(11);
    List<Finding> found = RuntimeGuard.of(Map.of(), Map.of("DEPLOY_USER_KEY_ID", key), Map.of()).check();
    assertThat(found).extracting(Finding::ruleId).containsExactly("aws-access-key-id");
  }

  @Test
  void enforce_block_messageListsEveryVariableWithoutValues() {
    RuntimeGuard guard = RuntimeGuard.of(Map.of("secrets.guard", "block"),
        Map.of("DB_PASSWORD", VALUE, "STRIPE_API_KEY", VALUE + "x"), Map.of());
    assertThatThrownBy(guard::enforce).isInstanceOf(GuardViolationException.class)
        .hasMessageContaining("env:DB_PASSWORD [env-secret]").hasMessageContaining("env:STRIPE_API_KEY [env-secret]")
        .hasMessageContaining("Secrets.get(\"stripe-api-key\")").hasMessageContaining("secrets.guard.allow-env")
        .hasMessageNotContaining(VALUE);
  }

  @Test
  void enforce_givenFindings_appliesModeToThemWithoutScanningAgain() {
    RuntimeGuard guard = RuntimeGuard.of(Map.of("secrets.guard", "block"), Map.of("DB_PASSWORD", VALUE), Map.of());
    List<Finding> found = guard.check();

    guard.enforce(List.of()); // nothing given: nothing enforced, although the environment has a finding
    assertThatThrownBy(() -> guard.enforce(found)).isInstanceOf(GuardViolationException.class)
        .hasMessageContaining("env:DB_PASSWORD [env-secret]").hasMessageNotContaining(VALUE);
  }

  @Test
  void enforce_warnOrOff_doesNotThrow() {
    RuntimeGuard.of(Map.of("secrets.guard", "warn"), Map.of("DB_PASSWORD", VALUE), Map.of()).enforce();
    RuntimeGuard.of(Map.of("secrets.guard", "off"), Map.of("DB_PASSWORD", VALUE), Map.of()).enforce();
    assertThat(RuntimeGuard.of(Map.of("secrets.guard", "off"), Map.of(), Map.of()).mode())
        .isEqualTo(RuntimeGuard.Mode.OFF);
  }

  @Test
  void keys_listsEverySettingRead() {
    assertThat(RuntimeGuard.KEYS).containsExactlyInAnyOrder("secrets.guard", "secrets.guard.allow-env", "secrets.env",
        "secrets.production");
  }

  @Test
  void fromSettings_productionPrefixesOrExplicitFlag_block() {
    for (String env : List.of("prod", "production-eu", "prd", "live")) {
      assertThat(RuntimeGuard.of(Map.of("secrets.env", env), Map.of(), Map.of()).mode()).as(env)
          .isEqualTo(RuntimeGuard.Mode.BLOCK);
    }
    assertThat(RuntimeGuard.of(Map.of("secrets.env", "dev"), Map.of(), Map.of()).mode())
        .isEqualTo(RuntimeGuard.Mode.WARN);
    assertThat(RuntimeGuard.of(Map.of("secrets.env", "dev", "secrets.production", "true"), Map.of(), Map.of()).mode())
        .isEqualTo(RuntimeGuard.Mode.BLOCK);
    assertThat(RuntimeGuard.of(Map.of("secrets.env", "prod", "secrets.production", "false"), Map.of(), Map.of()).mode())
        .isEqualTo(RuntimeGuard.Mode.WARN);
  }

  @Test
  void enforce_warnMode_logsTheFindingFullyMasked() {
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.err;
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      RuntimeGuard.of(Map.of("secrets.guard", "warn"), Map.of("DB_PASSWORD", VALUE), Map.of()).enforce();
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(log).contains("env:DB_PASSWORD").contains("****");
    assertThat(log).doesNotContain(VALUE.substring(0, 2)).doesNotContain(VALUE);
  }
}
