package io.secretsbroker.guard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: fingerprints carry nothing of the value (reports and baselines are widely readable, and
 * a hash of a short value is recoverable by brute force), stay put when lines move, and keep two
 * findings of one name in one file apart.
 */
class FingerprintTest {
  private static final String PW = CorpusTokens.token("pw", 41);
  private static final String PW2 = CorpusTokens.token("pw", 42);
  private static final String GITHUB = CorpusTokens.token("github", 43);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path write(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  private static List<JsonNode> json(Path dir) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : ScannerTest.cli("scan", dir.toString(), "--format", "json").out().lines().toList()) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  private static String fingerprintOf(Path dir) throws IOException {
    List<JsonNode> found = json(dir);
    assertThat(found).hasSize(1);
    return found.get(0).path("fingerprint").asText();
  }

  @Test
  void fingerprint_findingsDifferingOnlyInValue_areEqual(@TempDir Path dir) throws IOException {
    write(dir, "app/a.properties", "db.password=" + PW + "\n");
    String first = fingerprintOf(dir);
    write(dir, "app/a.properties", "db.password=" + PW2 + "\n");
    assertThat(fingerprintOf(dir)).isEqualTo(first);
  }

  @Test
  void reports_containNoHexDerivedFromTheValue(@TempDir Path dir) throws IOException {
    write(dir, "src/App.java", "class App {\n  static final String DB_PASSWORD = \"" + PW + "\";\n}\n");
    write(dir, "conf/a.properties", "api.token=" + GITHUB + "\n");
    write(dir, ".env", "DB_PASSWORD=" + PW + "\n");
    List<String> reports = new ArrayList<>();
    for (String format : List.of("text", "json", "sarif")) {
      reports.add(ScannerTest.cli("scan", dir.toString(), "--format", format).out());
    }
    Path baseline = dir.resolve("baseline.txt");
    assertThat(ScannerTest.cli("scan", dir.toString(), "--write-baseline", baseline.toString()).exit()).isZero();
    reports.add(Files.readString(baseline));

    List<String> digests = new ArrayList<>();
    for (String value : List.of(PW, GITHUB)) {
      for (String algorithm : List.of("SHA-256", "SHA-1", "MD5", "SHA-512")) {
        digests.add(hex(algorithm, value.getBytes(StandardCharsets.UTF_8)));
      }
      // the scheme before issue 15: SHA-256 over rule id, path#subject and the value
      for (JsonNode f : json(dir)) {
        String where = f.path("path").asText() + (f.has("subject") ? "#" + f.path("subject").asText() : "");
        digests.add(hex("SHA-256", (f.path("ruleId").asText() + "\0" + where + "\0" + value)
            .getBytes(StandardCharsets.UTF_8)));
      }
    }
    assertThat(json(dir)).hasSize(3);
    for (String report : reports) {
      String lower = report.toLowerCase(Locale.ROOT);
      assertThat(lower).doesNotContain(PW.toLowerCase(Locale.ROOT)).doesNotContain(GITHUB.toLowerCase(Locale.ROOT));
      for (String digest : digests) {
        for (int i = 0; i + 8 <= digest.length(); i++) {
          String window = digest.substring(i, i + 8);
          assertThat(lower.contains(window)).as("a hex run of a digest of a planted value in\n%s", report).isFalse();
        }
      }
    }
  }

  @Test
  void ordinal_twoSameNamedFindingsInOneFile_stayDistinct(@TempDir Path dir) throws IOException {
    write(dir, "Two.java", "class Two {\n  void a() {\n    String password = \"" + PW + "\";\n  }\n"
        + "  void b() {\n    String password = \"" + PW + "\";\n  }\n}\n");
    List<JsonNode> found = json(dir);
    assertThat(found).hasSize(2);
    assertThat(found).extracting(f -> f.path("subject").asText()).containsOnly("password");
    assertThat(found.get(0).path("fingerprint").asText()).isNotEqualTo(found.get(1).path("fingerprint").asText());
  }

  @Test
  void baseline_linesMovedAndFixtureValueChanged_stillAccepted_newSameNamedFindingIsNot(@TempDir Path dir)
      throws IOException {
    Path root = dir.resolve("tree");
    write(root, "Db.java", "class Db {\n  void a() {\n    String password = \"" + PW + "\";\n  }\n}\n");
    Path baseline = dir.resolve("baseline.txt");
    assertThat(ScannerTest.cli("scan", root.toString(), "--write-baseline", baseline.toString()).exit()).isZero();

    write(root, "Db.java", "// moved\n\n\nclass Db {\n  // more\n  void a() {\n    String password = \"" + PW2
        + "\";\n  }\n}\n");
    ScannerTest.Cli moved = ScannerTest.cli("scan", root.toString(), "--baseline", baseline.toString());
    assertThat(moved.exit()).as(moved.out()).isZero();

    write(root, "Db.java", "// moved\n\n\nclass Db {\n  void a() {\n    String password = \"" + PW2 + "\";\n  }\n"
        + "  void b() {\n    String password = \"" + PW + "\";\n  }\n}\n");
    ScannerTest.Cli added = ScannerTest.cli("scan", root.toString(), "--baseline", baseline.toString());
    assertThat(added.exit()).as(added.out()).isEqualTo(1);
    assertThat(added.out()).contains("Db.java:9:").doesNotContain("Db.java:6:");
  }

  @Test
  void writeBaseline_existingFile_keepsHeaderAndReasonsOfEntriesStillFound(@TempDir Path dir) throws IOException {
    Path root = dir.resolve("tree");
    write(root, "a.properties", "db.password=" + PW + "\n");
    Path baseline = dir.resolve("baseline.txt");
    assertThat(ScannerTest.cli("scan", root.toString(), "--write-baseline", baseline.toString()).exit()).isZero();
    String fp = Files.readString(baseline).lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow()
        .substring(0, 20);
    Files.writeString(baseline, "# header one\n# header two\n" + fp + "  # generic-secret a.properties -- reason: x\n"
        + "0123456789abcdef0123  # stale -- reason: gone\n");
    write(root, "b.properties", "api.token=" + GITHUB + "\n");

    assertThat(ScannerTest.cli("scan", root.toString(), "--write-baseline", baseline.toString()).exit()).isZero();

    List<String> lines = Files.readString(baseline).lines().toList();
    assertThat(lines).hasSize(4).startsWith("# header one", "# header two")
        .contains(fp + "  # generic-secret a.properties -- reason: x")
        .noneMatch(l -> l.contains("stale"));
    assertThat(lines.stream().filter(l -> l.contains("b.properties")).findFirst().orElseThrow()).contains("github-token");
  }

  @Test
  void checkMojo_sameModuleInTwoCheckouts_sameRelativePathsAndFingerprints(@TempDir Path dir) throws Exception {
    List<JsonNode> reports = new ArrayList<>();
    for (String checkout : List.of("ci-workspace", "laptop/src/project")) {
      Path module = dir.resolve(checkout).resolve("api");
      write(module, "src/main/resources/application.properties", "db.password=" + PW + "\n");
      CheckMojo mojo = new CheckMojo();
      mojo.paths = List.of(module.toFile());
      mojo.basedir = module.toFile();
      mojo.failOnFindings = false;
      mojo.format = "json";
      mojo.report = dir.resolve(checkout.replace('/', '-') + ".json").toFile();
      mojo.execute();
      reports.add(JSON.readTree(Files.readString(mojo.report.toPath())));
    }
    assertThat(reports.get(0).path("path").asText()).isEqualTo("src/main/resources/application.properties");
    assertThat(reports.get(1).path("path").asText()).isEqualTo("src/main/resources/application.properties");
    assertThat(reports.get(0).path("fingerprint").asText()).isEqualTo(reports.get(1).path("fingerprint").asText());
  }

  @Test
  void sarif_partialFingerprintKey_isVersion2(@TempDir Path dir) throws IOException {
    write(dir, "a.properties", "db.password=" + PW + "\n");
    JsonNode sarif = JSON.readTree(ScannerTest.cli("scan", dir.toString(), "--format", "sarif").out());
    JsonNode result = sarif.path("runs").get(0).path("results").get(0);
    assertThat(result.path("partialFingerprints").fieldNames()).toIterable()
        .containsExactly("secretsGuardFingerprint/v2");
  }

  private static String hex(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
