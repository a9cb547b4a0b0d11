package io.secretsbroker.guard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.secretsbroker.guard.Finding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default build policy: test fixtures are reported without failing, live-format tokens fail anywhere. */
class BuildPolicyTest {
  private static final String PW = CorpusTokens.token("pw", 5);

  private static String checksummedGithubToken() {
    String random = CorpusTokens.token("alnum24", 9) + "Ab3dE9";
    CRC32 crc = new CRC32();
    crc.update(random.getBytes(StandardCharsets.US_ASCII));
    String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    StringBuilder sb = new StringBuilder();
    for (long v = crc.getValue(); v > 0; v /= 62) {
      sb.append(digits.charAt((int) (v % 62)));
    }
    while (sb.length() < 6) {
      sb.append('0');
    }
    return String.join("_", "ghp", random + sb.reverse());
  }

  private static Path write(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  private static Scanner.ScanResult scan(Path dir, boolean strict) {
    return Scanner.create(List.of(), null, strict).scan(List.of(dir));
  }

  @Test
  void testSourceFixture_reportedAsMediumWithoutFailing_mainSourceFails(@TempDir Path dir) throws IOException {
    String java = "class DbIT {\n  void setUp() { container.withPassword(\"" + PW + "\"); }\n}\n";
    write(dir, "src/test/java/DbIT.java", java);
    write(dir, "src/main/java/Db.java", java.replace("DbIT", "Db"));
    Scanner.ScanResult r = scan(dir, false);
    assertThat(r.findings()).hasSize(2);
    assertThat(r.failing()).isEqualTo(1);
    Finding test = r.findings().stream().filter(f -> f.path().contains("src/test")).findFirst().orElseThrow();
    assertThat(test.verdict().severity()).isEqualTo("medium");
    assertThat(test.verdict().failsBuild()).isFalse();
    assertThat(test.verdict().reason()).contains("test source");
    assertThat(scan(dir, true).failing()).as("strict").isEqualTo(2);
  }

  @Test
  void checksumValidGithubToken_inTestSource_failsAsCritical(@TempDir Path dir) throws IOException {
    write(dir, "src/test/resources/fixture.env", "GH=" + checksummedGithubToken() + "\n");
    Scanner.ScanResult r = scan(dir, false);
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.live()).isTrue();
      assertThat(f.verdict().severity()).isEqualTo("critical");
      assertThat(f.verdict().failsBuild()).isTrue();
      assertThat(f.verdict().reason()).contains("checksum");
    });
  }

  @Test
  void awsKeyIdWithItsSecret_inTestSource_bothLive(@TempDir Path dir) throws IOException {
    write(dir, "src/test/resources/creds.ini", "[default]\naws_access_key_id = " + CorpusTokens.token("awsid", 3)
        + "\naws_secret_access_key = " + CorpusTokens.token("awssecret", 3) + "\n");
    Scanner.ScanResult r = scan(dir, false);
    assertThat(r.findings()).hasSize(2).allSatisfy(f -> assertThat(f.verdict().failsBuild()).isTrue());
    write(dir, "src/test/resources/creds.ini", "aws_access_key_id = " + CorpusTokens.token("awsid", 3) + "\n");
    assertThat(scan(dir, false).failing()).as("a key id alone in a test fixture").isZero();
  }

  @Test
  void publishedEmulatorKey_neverFails_evenInMainSources(@TempDir Path dir) throws IOException {
    // the Azurite / Storage Emulator account key Microsoft publishes, assembled at run time
    String azurite = String.join("", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6",
        "tq/K1SZFPTOtr/KBHBeksoGMGw==");
    write(dir, "src/main/resources/application.properties", "azure.storage.connection-string=DefaultEndpointsProtocol="
        + "http;AccountName=devstoreaccount1;" + String.join("", "Account", "Key=") + azurite
        + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\n");
    Scanner.ScanResult r = scan(dir, false);
    assertThat(r.findings()).isNotEmpty().allSatisfy(f -> {
      assertThat(f.published()).isTrue();
      assertThat(f.verdict().severity()).isEqualTo("low");
    });
    assertThat(r.failing()).isZero();
  }

  @Test
  void isTestSource_conventions() {
    assertThat(BuildPolicy.isTestSource("repo/src/test/java/a/B.java")).isTrue();
    assertThat(BuildPolicy.isTestSource("repo/core/OrdersTest.java")).isTrue();
    assertThat(BuildPolicy.isTestSource("repo/pkg/client_test.go")).isTrue();
    assertThat(BuildPolicy.isTestSource("repo/web/login.spec.ts")).isTrue();
    assertThat(BuildPolicy.isTestSource("repo/src/main/java/Audit.java")).isFalse();
    assertThat(BuildPolicy.isTestSource("repo/src/main/java/Contest.java")).isFalse();
  }

  @Test
  void cli_reportShowsSeverityAndWhy_exitZeroWhenNothingFails_maskedFully(@TempDir Path dir) throws IOException {
    write(dir, "src/test/java/DbTest.java", "class DbTest { String dbPassword = \"" + PW + "\"; }\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = GuardCli.run(new String[] {"scan", dir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(text).isZero();
    assertThat(text).contains("medium (reported)", "Policy: test source", "****", "(0 failing the build)")
        .doesNotContain(PW.substring(0, 4) + "*");
    for (String format : List.of("json", "sarif")) {
      out.reset();
      GuardCli.run(new String[] {"scan", dir.toString(), "--format", format},
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
      assertThat(out.toString(StandardCharsets.UTF_8)).as(format).contains("****")
          .doesNotContain(PW.substring(0, 2) + "*");
    }
  }

  @Test
  void cli_showPrefix_isRefused_noReportShowsAnyPartOfAValue() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = GuardCli.run(new String[] {"scan", ".", "--show-prefix"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).isEqualTo(GuardCli.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--show-prefix is gone", "always ****");
  }

  @Test
  void cli_help_printsUsageAndExitsZero() {
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"scan", "--help"}, new String[] {"-h"})) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int exit = GuardCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
      assertThat(exit).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: secretsbroker-guard scan", "--strict")
          .doesNotContain("--show-prefix");
    }
  }

  @Test
  void pkcs12File_reportedAsKeyStore_failsInMainOnly(@TempDir Path dir) throws IOException {
    byte[] der = new byte[400];
    new java.util.Random(3).nextBytes(der);
    byte[] head = {0x30, (byte) 0x82, 0x01, (byte) 0x8c, 0x02, 0x01, 0x03, 0x30, (byte) 0x82};
    System.arraycopy(head, 0, der, 0, head.length);
    Files.createDirectories(dir.resolve("src/main/resources"));
    Files.createDirectories(dir.resolve("src/test/resources"));
    Files.write(dir.resolve("src/main/resources/server.p12"), der);
    Files.write(dir.resolve("src/test/resources/client.pfx"), der);
    Files.write(dir.resolve("src/main/resources/other.p12"), new byte[] {0x30, 0x03, 0x02, 0x01, 0x01});
    Scanner.ScanResult r = scan(dir, false);
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("pkcs12", "pkcs12");
    assertThat(r.failing()).isEqualTo(1);
    assertThat(r.findings()).filteredOn(f -> f.verdict().failsBuild()).singleElement()
        .satisfies(f -> assertThat(f.path()).endsWith("server.p12"));
  }

  @Test
  void mavenGoal_failsOnlyOnFailingFindings_strictFailsOnAll_reportFullyMasked(@TempDir Path dir) throws Exception {
    write(dir, "src/test/java/DbTest.java", "class DbTest { String dbPassword = \"" + PW + "\"; }\n");
    CheckMojo mojo = new CheckMojo();
    mojo.paths = List.of(dir.toFile());
    mojo.report = dir.resolve("out/guard.json").toFile();
    mojo.format = "json";
    mojo.execute(); // a test fixture: reported, the build goes on
    String json = Files.readString(dir.resolve("out/guard.json"));
    assertThat(json).contains("\"severity\":\"medium\"", "\"failsBuild\":false", "\"masked\":\"****\"")
        .doesNotContain(PW.substring(0, 4) + "*");
    CheckMojo strict = new CheckMojo();
    strict.paths = List.of(dir.toFile());
    strict.strict = true;
    org.assertj.core.api.Assertions.assertThatThrownBy(strict::execute)
        .isInstanceOf(org.apache.maven.plugin.MojoFailureException.class).hasMessageNotContaining(PW);
  }
}
