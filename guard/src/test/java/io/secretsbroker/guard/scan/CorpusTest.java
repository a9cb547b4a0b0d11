package io.secretsbroker.guard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.secretsbroker.guard.Finding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures the scanner on the labelled corpus (src/test/resources/corpus): recall on positives
 * at least 95%, false-positive rate on negatives at most 2%, and writes the figures per family to
 * target/corpus-report.md (docs/guard.md quotes them).
 */
class CorpusTest {
  record Sample(String id, String family, String file, String body) {}

  static List<Sample> positives;
  static List<Sample> negatives;

  @BeforeAll
  static void load() throws IOException {
    positives = read("/corpus/positive.txt");
    negatives = read("/corpus/negative.txt");
  }

  static List<Sample> read(String resource) throws IOException {
    String text;
    try (InputStream in = CorpusTest.class.getResourceAsStream(resource)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Sample> out = new ArrayList<>();
    String[] header = null;
    StringBuilder body = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (line.startsWith("=== ")) {
        if (header != null) {
          out.add(new Sample(header[0], header[1], header[2], CorpusTokens.expand(body.toString())));
        }
        String[] parts = line.substring(4).split(" ");
        header = new String[] {parts[0], parts[1].substring(7), parts[2].substring(5)};
        body.setLength(0);
      } else if (header != null) {
        body.append(line).append('\n');
      }
    }
    if (header != null) {
      out.add(new Sample(header[0], header[1], header[2], CorpusTokens.expand(body.toString())));
    }
    return out;
  }

  static List<Finding> scan(Scanner scanner, Path dir, Sample s) throws IOException {
    Path sampleDir = Files.createDirectories(dir.resolve(s.id()));
    Files.writeString(sampleDir.resolve(s.file()), s.body());
    return scanner.scan(List.of(sampleDir)).findings();
  }

  @Test
  void corpus_recallAndFalsePositiveRate_meetTargets(@TempDir Path dir) throws IOException {
    assertThat(positives).hasSizeGreaterThanOrEqualTo(300);
    assertThat(negatives).hasSizeGreaterThanOrEqualTo(300);
    Scanner scanner = Scanner.create(List.of(), null);
    Map<String, int[]> pos = new TreeMap<>();
    Map<String, int[]> neg = new TreeMap<>();
    List<String> missed = new ArrayList<>();
    List<String> falsePositives = new ArrayList<>();
    int detected = 0;
    for (Sample s : positives) {
      List<Finding> found = scan(scanner, dir, s);
      int[] counts = pos.computeIfAbsent(s.family(), k -> new int[2]);
      counts[1]++;
      if (!found.isEmpty()) {
        counts[0]++;
        detected++;
        for (Finding f : found) {
          assertThat(f.masked().length()).as("masked value of " + s.id()).isLessThanOrEqualTo(8);
          assertThat(s.body()).as("a finding's text is not a whole value").doesNotContain(f.toString());
        }
      } else {
        missed.add(s.id() + " " + s.family() + " " + s.file());
      }
    }
    int flagged = 0;
    for (Sample s : negatives) {
      List<Finding> found = scan(scanner, dir, s);
      int[] counts = neg.computeIfAbsent(s.family(), k -> new int[2]);
      counts[1]++;
      if (!found.isEmpty()) {
        counts[0]++;
        flagged++;
        falsePositives.add(s.id() + " " + s.file() + " " + found);
      }
    }
    double recall = detected / (double) positives.size();
    double fpRate = flagged / (double) negatives.size();
    writeReport(pos, neg, recall, fpRate, detected, flagged);
    assertThat(recall).as("recall; missed: " + missed).isGreaterThanOrEqualTo(0.95);
    assertThat(fpRate).as("false-positive rate; flagged: " + falsePositives).isLessThanOrEqualTo(0.02);
  }

  private static void writeReport(Map<String, int[]> pos, Map<String, int[]> neg, double recall, double fpRate,
                                  int detected, int flagged) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("Overall: recall %.1f%% (%d of %d positives), false-positive rate %.1f%% (%d of %d negatives)%n%n",
        100 * recall, detected, positives.size(), 100 * fpRate, flagged, negatives.size()));
    sb.append("| positive family | samples | detected | recall |\n|---|---:|---:|---:|\n");
    pos.forEach((k, v) -> sb.append(String.format("| %s | %d | %d | %.1f%% |%n", k, v[1], v[0], 100.0 * v[0] / v[1])));
    sb.append("\n| negative family | samples | flagged | FP rate |\n|---|---:|---:|---:|\n");
    neg.forEach((k, v) -> sb.append(String.format("| %s | %d | %d | %.1f%% |%n", k, v[1], v[0], 100.0 * v[0] / v[1])));
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      Files.writeString(target.resolve("corpus-report.md"), sb.toString());
    }
  }
}
