package io.secretsbroker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentScanTest {
  private static final String PW = "Vb8-" + FakeTokens.random(FakeTokens.ALNUM, 14, 77);
  private final EnvironmentScan scan = EnvironmentScan.allowing(List.of());

  private List<Finding> env(Map<String, String> env) {
    return scan.check(env, Map.of());
  }

  @Test
  void jvmOptions_passwordSystemProperty_reportedNamingVariableAndProperty() {
    for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
      List<Finding> found = env(Map.of(variable, "-Xmx512m -Dspring.datasource.password=" + PW + " -Dfile.encoding=UTF-8"));
      assertThat(found).singleElement().satisfies(f -> {
        assertThat(f.ruleId()).isEqualTo("env-secret");
        assertThat(f.location()).isEqualTo("env:" + variable + " -Dspring.datasource.password");
        assertThat(f.masked()).isEqualTo("****");
        assertThat(f.toString() + f.fix()).doesNotContain(PW).doesNotContain(PW.substring(0, 4));
      });
    }
    assertThat(env(Map.of("JAVA_TOOL_OPTIONS", "-Xmx512m -Dspring.datasource.password=${DB_PASSWORD}"))).isEmpty();
  }

  @Test
  void otlpHeaders_apiKey_reported_plainHeadersNot() {
    assertThat(env(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "api-key=" + PW + ",x-env=prod"))).extracting(Finding::location)
        .containsExactly("env:OTEL_EXPORTER_OTLP_HEADERS api-key");
    assertThat(env(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20" + PW))).hasSize(1);
    assertThat(env(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "x-env=prod,x-team=orders"))).isEmpty();
  }

  @Test
  void stripeWebhookSecret_andSendgridKey_reported() {
    String whsec = String.join("", "wh", "sec_") + FakeTokens.random(FakeTokens.ALNUM, 32, 3);
    assertThat(env(Map.of("STRIPE_WEBHOOK", whsec))).extracting(Finding::ruleId).containsExactly("stripe-webhook-secret");
    String sg = String.join("", "S", "G.") + FakeTokens.random(FakeTokens.ALNUM, 22, 4) + "."
        + FakeTokens.random(FakeTokens.ALNUM, 43, 5);
    assertThat(env(Map.of("SENDGRID_KEY", sg))).extracting(Finding::ruleId).containsExactly("sendgrid-key");
  }

  @Test
  void azureFunctionsPlatformSettings_reportedAsPlatformSettingWithIdentityAlternative() {
    String key = FakeTokens.random(FakeTokens.BASE64, 86, 9) + "==";
    String conn = "DefaultEndpointsProtocol=https;AccountName=fnstore;" + String.join("", "Account", "Key=") + key
        + ";EndpointSuffix=core.windows.net";
    List<Finding> found = env(Map.of("AzureWebJobsStorage", conn, "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", conn));
    assertThat(found).extracting(Finding::ruleId).containsOnly("azure-platform-setting");
    assertThat(found).filteredOn(f -> f.subject().equals("AzureWebJobsStorage")).singleElement()
        .satisfies(f -> assertThat(f.fix()).contains("AzureWebJobsStorage__accountName"));
    assertThat(env(Map.of("AzureWebJobsStorage__accountName", "fnstore"))).isEmpty();
    assertThat(env(Map.of("WEBSITE_RUN_FROM_PACKAGE", "1"))).isEmpty();
  }
}
