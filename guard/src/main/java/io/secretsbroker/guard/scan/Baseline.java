package io.secretsbroker.guard.scan;

import io.secretsbroker.guard.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A baseline: the fingerprints of accepted findings, one per line; text after {@code #} is a
 * comment (the writer records rule and location there). Fingerprints are one-way hashes, so a
 * baseline may be committed. Immutable once read; thread-safe.
 */
final class Baseline {
  private final Set<String> fingerprints;

  private Baseline(Set<String> fingerprints) {
    this.fingerprints = Set.copyOf(fingerprints);
  }

  static Baseline empty() {
    return new Baseline(Set.of());
  }

  static Baseline read(Path file) throws IOException {
    Set<String> out = new LinkedHashSet<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int hash = line.indexOf('#');
      String fp = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (!fp.isEmpty()) {
        out.add(fp);
      }
    }
    return new Baseline(out);
  }

  boolean accepts(Finding f) {
    return fingerprints.contains(f.fingerprint());
  }

  /**
   * Writes the fingerprints of {@code findings}. When {@code file} exists, its leading comment lines
   * are kept, and so is the comment (the reason) of each entry whose fingerprint is written again;
   * new entries get rule and location.
   */
  static void write(Path file, Collection<Finding> findings) throws IOException {
    List<String> lines = new ArrayList<>();
    Map<String, String> kept = new HashMap<>();
    if (Files.isRegularFile(file)) {
      boolean header = true;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        header &= line.strip().startsWith("#");
        int hash = line.indexOf('#');
        if (header) {
          lines.add(line);
        } else if (hash > 0) {
          kept.put(line.substring(0, hash).strip(), line.substring(hash).strip());
        }
      }
    }
    if (lines.isEmpty()) {
      lines.add("# secretsbroker-guard baseline: accepted findings, one fingerprint per line (see docs/guard.md)");
    }
    for (Finding f : findings) {
      lines.add(f.fingerprint() + "  " + kept.getOrDefault(f.fingerprint(), "# " + f.ruleId() + " " + f.location()));
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }
}
