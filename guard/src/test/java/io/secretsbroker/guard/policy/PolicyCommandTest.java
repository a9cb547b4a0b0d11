package io.secretsbroker.guard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return PolicyCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void run_awsOptions_printsPolicy() {
    int status = run("--provider", "aws", "--allow", "db,stripe/*", "--env", "prod", "--region", "eu-west-1",
        "--account", "123456789012");
    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-??????")
        .doesNotContain("BatchGetSecretValue");
  }

  @Test
  void run_ssmWithKmsKey_printsParameterArnsAndDecrypt() {
    int status = run("--provider", "ssm", "--allow", "db", "--env", "prod", "--region", "eu-west-1",
        "--account", "123456789012", "--kms-key", "1234abcd-12ab-34cd-56ef-1234567890ab");
    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db")
        .contains("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        .doesNotContain("secretsmanager");
  }

  @Test
  void run_propertiesFile_readsTheFunctionsOwnConfiguration(@TempDir Path dir) throws Exception {
    Path props = dir.resolve("secrets.properties");
    Files.writeString(props, "secrets.provider=vault://vault.internal:8200/kv?auth=aws&role=orders\n"
        + "secrets.env=prod\nsecrets.allow=db\nsecrets.alias.db=prod/orders/db#password\n");
    assertThat(run("--provider", "vault", "--properties", props.toString(), "--mount", "kv")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("path \"kv/data/prod/orders/db\"");
  }

  @Test
  void run_badInput_exit2WithReason() {
    assertThat(run("--provider", "oci", "--allow", "db")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("use aws, azure, vault, ssm or gcp");
    assertThat(run("--provider", "aws", "--allow", "db", "--colour", "red")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option '--colour'");
    assertThat(run("--provider", "aws", "--allow")).isEqualTo(2);
  }

  @Test
  void guardCli_policySubcommand_dispatches() throws Exception {
    Class<?> cli = Class.forName("io.secretsbroker.guard.scan.GuardCli");
    Method runMethod = cli.getDeclaredMethod("run", String[].class, PrintStream.class, PrintStream.class);
    runMethod.setAccessible(true);
    int status = (int) runMethod.invoke(null, new String[] {"policy", "--provider", "vault", "--allow", "db"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("path \"secret/data/db\"");
  }
}
