package io.secretsbroker.guard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secretsbroker.guard.Finding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.ToolProvider;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScannerTest {
  private static final String PW = CorpusTokens.token("pw", 1);
  private static final String GITHUB = CorpusTokens.token("github", 2);

  record Cli(int exit, String out, String err) {}

  static Cli cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = GuardCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Path write(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  @Test
  void cli_cleanTree_exitsZero(@TempDir Path dir) throws IOException {
    write(dir, "src/App.java", "class App { String password = System.getenv(\"HOME\"); }");
    assertThat(cli("scan", dir.toString()).exit()).isZero();
  }

  @Test
  void cli_findings_exitsOneWithTextReportWithoutValues(@TempDir Path dir) throws IOException {
    write(dir, "src/App.java", "class App {\n  static final String DB_PASSWORD = \"" + PW + "\";\n}\n");
    write(dir, ".env", "GITHUB_TOKEN=" + GITHUB + "\n");
    Cli r = cli("scan", dir.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("App.java:2:", "generic-secret", "(DB_PASSWORD)", "Secrets.get(\"db-password\")",
        ".env:1:14  github-token  high (fails)  ****", "Policy: not a test source: fails", "2 findings").doesNotContain(PW).doesNotContain(GITHUB);
  }

  @Test
  void cli_usageErrors_exitTwo(@TempDir Path dir) {
    assertThat(cli().exit()).isEqualTo(2);
    assertThat(cli("scan").exit()).isEqualTo(2);
    assertThat(cli("scan", dir.resolve("missing").toString()).exit()).isEqualTo(2);
    assertThat(cli("scan", dir.toString(), "--format", "xml").exit()).isEqualTo(2);
    assertThat(cli("scan", dir.toString(), "--bogus", "x").err()).contains("unknown option '--bogus'");
    assertThat(cli("scan", dir.toString(), "--baseline", dir.resolve("nope").toString()).exit()).isEqualTo(2);
  }

  @Test
  void cli_sarif_isValidSarif210ForCodeScanning(@TempDir Path dir) throws IOException {
    write(dir, "serverless.yml", "provider:\n  environment:\n    DB_PASSWORD: " + PW + "\n");
    Cli r = cli("scan", dir.toString(), "--format", "sarif");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).doesNotContain(PW);
    JsonNode sarif = new ObjectMapper().readTree(r.out());
    assertThat(sarif.path("version").asText()).isEqualTo("2.1.0");
    JsonNode run = sarif.path("runs").get(0);
    assertThat(run.path("tool").path("driver").path("name").asText()).isEqualTo("secretsbroker-guard");
    JsonNode result = run.path("results").get(0);
    int ruleIndex = result.path("ruleIndex").asInt();
    assertThat(run.path("tool").path("driver").path("rules").get(ruleIndex).path("id").asText())
        .isEqualTo(result.path("ruleId").asText()).isEqualTo("generic-secret");
    JsonNode loc = result.path("locations").get(0).path("physicalLocation");
    assertThat(loc.path("artifactLocation").path("uri").asText()).endsWith("serverless.yml");
    assertThat(loc.path("region").path("startLine").asInt()).isEqualTo(3);
    assertThat(result.path("message").path("text").asText()).isNotBlank();
    assertThat(result.path("partialFingerprints").size()).isEqualTo(1);
  }

  @Test
  void cli_json_oneObjectPerFinding(@TempDir Path dir) throws IOException {
    write(dir, "a.properties", "db.password=" + PW + "\napi.token=" + GITHUB + "\n");
    Cli r = cli("scan", dir.toString(), "--format", "json");
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    for (String l : lines) {
      JsonNode o = new ObjectMapper().readTree(l);
      assertThat(o.path("ruleId").asText()).isNotEmpty();
      assertThat(o.path("fingerprint").asText()).hasSize(20);
    }
    assertThat(r.out()).doesNotContain(PW).doesNotContain(GITHUB);
  }

  @Test
  void scan_inlineAllowWithReason_suppressesButNotWithoutReason(@TempDir Path dir) throws IOException {
    write(dir, "a.properties", "db.password=" + PW + "  # secrets-guard:allow local emulator only\n");
    write(dir, "b.properties", "db.password=" + PW + "  # secrets-guard:allow\n");
    Scanner.ScanResult r = Scanner.create(List.of(), null).scan(List.of(dir));
    assertThat(r.findings()).extracting(Finding::path).singleElement().asString().endsWith("b.properties");
    assertThat(r.suppressed()).isEqualTo(1);
    assertThat(r.suppressedWithoutReason()).isEqualTo(1);
  }

  @Test
  void scan_baselineAndExclude_acceptFindings(@TempDir Path dir) throws IOException {
    write(dir, "app/a.properties", "db.password=" + PW + "\n");
    write(dir, "extra/b.properties", "db.password=" + PW + "x\n");
    Path baseline = dir.resolve("baseline.txt");
    assertThat(cli("scan", dir.toString(), "--exclude", "extra/**", "--write-baseline", baseline.toString()).exit())
        .isZero();
    assertThat(Files.readString(baseline)).doesNotContain(PW);
    Cli r = cli("scan", dir.toString(), "--exclude", "extra/**", "--baseline", baseline.toString());
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(cli("scan", dir.toString(), "--baseline", baseline.toString()).exit()).isEqualTo(1);
  }

  @Test
  void scan_buildOutputAndBinaries_skipped(@TempDir Path dir) throws IOException {
    write(dir, "target/gen.properties", "db.password=" + PW + "\n");
    write(dir, "node_modules/x/.env", "GITHUB_TOKEN=" + GITHUB + "\n");
    Files.write(dir.resolve("blob.dat2"), ("\0\0" + GITHUB).getBytes(StandardCharsets.UTF_8));
    assertThat(Scanner.create(List.of(), null).scan(List.of(dir)).findings()).isEmpty();
  }

  @Test
  void scan_javaShapes_detectedWithFix(@TempDir Path dir) throws IOException {
    String src = "import java.sql.*;\nclass Db {\n"
        + "  void open(String url) throws Exception {\n"
        + "    DriverManager.getConnection(url, \"app\", \"" + PW + "\");\n"
        + "    String p = System.getenv(\"DB_PASSWORD\");\n"
        + "    String q = \"" + PW.substring(0, 6) + "\" + \"" + PW.substring(6) + "\";\n"
        + "    String apiKey = \"" + PW.substring(0, 6) + "\" + \"" + PW.substring(6) + "\";\n"
        + "  }\n}\n";
    write(dir, "Db.java", src);
    List<Finding> found = Scanner.create(List.of(), null).scan(List.of(dir)).findings();
    assertThat(found).extracting(Finding::ruleId)
        .containsExactlyInAnyOrder("hardcoded-credential", "java-env-secret-read", "generic-secret");
    assertThat(found).filteredOn(f -> f.ruleId().equals("java-env-secret-read")).singleElement()
        .satisfies(f -> assertThat(f.fix()).contains("Secrets.get(\"db-password\")"));
  }

  @Test
  void scan_javaBetweenBlankedMethods_findingsKeepLinesAndColumns(@TempDir Path dir) throws IOException {
    StringBuilder src = new StringBuilder("class Svc {\n");
    for (int i = 0; i < 5; i++) {
      src.append("  int m").append(i).append("(int x) {\n\tif (x > 0) { return x; }\n    return helper(\"x\");\n  }\n");
    }
    src.append("  String getApiKey() {\n    return run(() -> { return \"").append(PW).append("\"; });\n  }\n");
    src.append("  static final String DB_PASSWORD = \"").append(PW).append("\";\n}\n");
    write(dir, "Svc.java", src.toString());
    List<Finding> found = Scanner.create(List.of(), null).scan(List.of(dir)).findings();
    assertThat(found).extracting(f -> f.ruleId() + "@" + f.line() + ":" + f.column())
        .containsExactlyInAnyOrder("generic-secret@23:32", "generic-secret@25:38");
  }

  @Test
  void scan_crlfYamlAndDockerfile_pairsJudgedLikeLf(@TempDir Path dir) throws IOException {
    write(dir, "app.yaml", "db:\r\n  password: " + PW + "\r\n  user: app\r\n");
    write(dir, "Dockerfile", "FROM eclipse-temurin:17\r\nENV DB_PASSWORD=" + PW + "\r\n");
    List<Finding> found = Scanner.create(List.of(), null).scan(List.of(dir)).findings();
    assertThat(found).extracting(f -> f.ruleId() + "@" + f.line() + ":" + f.column())
        .containsExactlyInAnyOrder("generic-secret@2:13", "generic-secret@2:17");
  }

  @Test
  void scan_classFileAndJar_constantPoolChecked(@TempDir Path dir) throws IOException {
    Path srcDir = write(dir, "src/Creds.java", "public class Creds { public static final String DB_PASSWORD = \""
        + PW + "\"; public String token() { return \"" + GITHUB + "\"; } }").getParent();
    Path classes = Files.createDirectories(dir.resolve("classes"));
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
        srcDir.resolve("Creds.java").toString());
    assertThat(rc).isZero();
    Path cls = classes.resolve("Creds.class");
    List<Finding> fromClass = Scanner.create(List.of(), null).scan(List.of(cls)).findings();
    assertThat(fromClass).extracting(Finding::ruleId).containsExactlyInAnyOrder("generic-secret", "github-token");
    Path jar = dir.resolve("function.jar");
    Path inner = dir.resolve("inner.jar");
    zip(inner, "Creds.class", Files.readAllBytes(cls));
    try (OutputStream os = Files.newOutputStream(jar); ZipOutputStream z = new ZipOutputStream(os)) {
      z.putNextEntry(new ZipEntry("lib/inner.jar"));
      z.write(Files.readAllBytes(inner));
      z.putNextEntry(new ZipEntry("application.properties"));
      z.write(("stripe.api-key=" + PW + "\n").getBytes(StandardCharsets.UTF_8));
    }
    List<Finding> fromJar = Scanner.create(List.of(), null).scan(List.of(jar)).findings();
    assertThat(fromJar).extracting(Finding::path).contains(jar + "!/lib/inner.jar!/Creds.class",
        jar + "!/application.properties");
    assertThat(fromJar.toString()).doesNotContain(PW).doesNotContain(GITHUB);
  }

  private static void zip(Path target, String entry, byte[] bytes) throws IOException {
    try (OutputStream os = Files.newOutputStream(target); ZipOutputStream z = new ZipOutputStream(os)) {
      z.putNextEntry(new ZipEntry(entry));
      z.write(bytes);
    }
  }

  @Test
  void checkMojo_findings_failBuildAndCleanTreePasses(@TempDir Path dir) throws Exception {
    write(dir, "dirty/template.yaml", "Environment:\n  Variables:\n    API_TOKEN: " + PW + "\n");
    write(dir, "clean/template.yaml", "Environment:\n  Variables:\n    API_TOKEN: '{{resolve:ssm:/orders/token}}'\n");
    CheckMojo dirty = new CheckMojo();
    dirty.paths = List.of(dir.resolve("dirty").toFile());
    dirty.report = dir.resolve("out/guard.sarif").toFile();
    org.assertj.core.api.Assertions.assertThatThrownBy(dirty::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("1 secret found").hasMessageNotContaining(PW);
    assertThat(Files.readString(dir.resolve("out/guard.sarif"))).contains("\"2.1.0\"").doesNotContain(PW);
    CheckMojo clean = new CheckMojo();
    clean.paths = List.of(dir.resolve("clean").toFile());
    clean.execute();
  }

  @Test
  void pluginDescriptor_declaresCheckGoalBoundToVerify() throws IOException {
    Path descriptor = Path.of("target/classes/META-INF/maven/plugin.xml");
    assertThat(descriptor).exists();
    String xml = Files.readString(descriptor);
    assertThat(xml).contains("<goal>check</goal>", "<phase>verify</phase>", "<goalPrefix>secretsbroker-guard</goalPrefix>");
  }
}
