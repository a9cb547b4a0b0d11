package io.secretsbroker.internal.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Proves the runtime guard against real process environments: each test starts a child JVM
 * ({@link GuardProbe}) with a cleared environment holding only the variables under test.
 */
class RuntimeGuardProcessTest {
  private static final String GITHUB_TOKEN = FakeTokens.githubToken(7);
  private static final String DB_PASSWORD = "Zq7-" + FakeTokens.random(FakeTokens.ALNUM, 14, 8);

  record Run(int exit, String stdout, String stderr) {}

  private static Run run(Map<String, String> env, String... settings) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    // logback-classic is on api's test classpath too (redaction tests): keep the child on slf4j-simple
    cmd.add("-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider");
    cmd.add(GuardProbe.class.getName());
    cmd.addAll(List.of(settings));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void enforce_secretInEnvironmentOnLambda_refusesToStartNamingVariableAndRule() throws Exception {
    Run r = run(Map.of("AWS_LAMBDA_FUNCTION_NAME", "orders", "DB_PASSWORD", DB_PASSWORD,
        "GITHUB_TOKEN", GITHUB_TOKEN, "AWS_SESSION_TOKEN", FakeTokens.random(FakeTokens.BASE64, 120, 9)));
    assertThat(r.exit()).as(r.stdout() + r.stderr()).isEqualTo(3);
    assertThat(r.stdout()).contains("BLOCKED", "env:DB_PASSWORD [env-secret]", "env:GITHUB_TOKEN [github-token]",
        "Secrets.get(\"db-password\")", "AWS_LAMBDA_FUNCTION_NAME").doesNotContain("AWS_SESSION_TOKEN");
    assertThat(r.stdout() + r.stderr()).doesNotContain(DB_PASSWORD).doesNotContain(GITHUB_TOKEN);
  }

  @Test
  void enforce_secretInEnvironmentOnDeveloperMachine_warnsAndStarts() throws Exception {
    Run r = run(Map.of("HOME", "/home/dev", "GITHUB_TOKEN", GITHUB_TOKEN));
    assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout()).contains("STARTED WARN");
    assertThat(r.stderr()).contains("WARN", "env:GITHUB_TOKEN", "github-token").doesNotContain(GITHUB_TOKEN);
  }

  @Test
  void enforce_productionEnvironmentOffPlatform_blocks() throws Exception {
    Run r = run(Map.of("STRIPE_SECRET_KEY", DB_PASSWORD), "secrets.env=production");
    assertThat(r.exit()).as(r.stdout() + r.stderr()).isEqualTo(3);
    assertThat(r.stdout()).contains("env:STRIPE_SECRET_KEY", "secrets.env=production").doesNotContain(DB_PASSWORD);
  }

  @Test
  void enforce_azureFunctionsWithAllowListedVariable_starts() throws Exception {
    Run r = run(Map.of("FUNCTIONS_WORKER_RUNTIME", "java", "MSI_SECRET", DB_PASSWORD, "LEGACY_API_TOKEN", DB_PASSWORD,
        "IDENTITY_HEADER", DB_PASSWORD), "secrets.guard.allow-env=LEGACY_API_TOKEN");
    assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout()).contains("STARTED BLOCK");
  }

  @Test
  void enforce_guardOffOnLambda_starts() throws Exception {
    Run r = run(Map.of("AWS_LAMBDA_FUNCTION_NAME", "orders", "DB_PASSWORD", DB_PASSWORD), "secrets.guard=off");
    assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout()).contains("STARTED OFF");
  }

  @Test
  void enforce_referencesOnlyOnCloudRun_starts() throws Exception {
    Run r = run(Map.of("K_SERVICE", "orders", "DB_PASSWORD", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)",
        "API_TOKEN", "${API_TOKEN}", "SECRETS_PROVIDER", "aws://?region=eu-west-1"));
    assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout()).contains("STARTED BLOCK");
  }

  @Test
  void enforce_warn_logsTheValueFullyMasked_noPrefix() throws Exception {
    Run r = run(Map.of("HOME", "/home/dev", "DB_PASSWORD", DB_PASSWORD));
    assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stderr()).contains("env:DB_PASSWORD", "[env-secret ****]")
        .doesNotContain(DB_PASSWORD.substring(0, 4) + "*").doesNotContain(DB_PASSWORD.substring(0, 2) + "*");
  }

  @Test
  void enforce_defaultKeyBasedFunctionsPlan_warnsWithIdentityAlternativeAndStarts() throws Exception {
    String key = FakeTokens.random(FakeTokens.BASE64, 86, 21) + "==";
    String conn = "DefaultEndpointsProtocol=https;AccountName=fnstore;" + String.join("", "Account", "Key=") + key
        + ";EndpointSuffix=core.windows.net";
    String sasUrl = "https://fnstore.blob.core.windows.net/pkg/app.zip?sv=2022-11-02&sp=r&se=2030-01-01T00:00:00Z&"
        + String.join("", "si", "g=") + FakeTokens.random(FakeTokens.ALNUM, 43, 22) + "%3D";
    Run r = run(Map.of("FUNCTIONS_WORKER_RUNTIME", "java", "AzureWebJobsStorage", conn,
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", conn, "WEBSITE_RUN_FROM_PACKAGE", sasUrl));
    assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout()).contains("STARTED BLOCK");
    assertThat(r.stderr()).contains("env:AzureWebJobsStorage", "azure-platform-setting", "AzureWebJobsStorage__accountName",
        "env:WEBSITE_RUN_FROM_PACKAGE").doesNotContain(key).doesNotContain(key.substring(0, 4) + "*");
  }

  @Test
  void enforce_platformSettingBesideARealSecret_stillBlocksOnTheSecret() throws Exception {
    Run r = run(Map.of("FUNCTIONS_WORKER_RUNTIME", "java", "AzureWebJobsStorage", "UseDevelopmentStorage=true",
        "DB_PASSWORD2", DB_PASSWORD));
    assertThat(r.exit()).as(r.stdout() + r.stderr()).isEqualTo(3);
    assertThat(r.stdout()).contains("env:DB_PASSWORD2 [env-secret]").doesNotContain("AzureWebJobsStorage");
  }
}
