package io.secretsbroker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The exported packages ({@code io.secretsbroker}, {@code io.secretsbroker.spi}) name nothing in
 * {@code io.secretsbroker.internal}: not in an import, not as a qualified name in code.
 */
class PackageBoundaryTest {
  private static final Pattern INTERNAL = Pattern.compile("\\bio\\.secretsbroker\\.internal\\b");

  @Test
  void apiAndSpiSources_referToNoInternalPackage() throws IOException {
    Path root = Path.of("src/main/java/io/secretsbroker");
    List<Path> files = new ArrayList<>();
    try (Stream<Path> api = Files.list(root); Stream<Path> spi = Files.list(root.resolve("spi"))) {
      Stream.concat(api, spi).filter(p -> p.toString().endsWith(".java")).forEach(files::add);
    }
    assertThat(files).hasSizeGreaterThan(20); // the scan found the sources

    List<String> offending = new ArrayList<>();
    for (Path f : files) {
      List<String> lines = Files.readAllLines(f);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) {
          continue; // prose may mention the implementation
        }
        Matcher m = INTERNAL.matcher(line);
        if (m.find()) {
          offending.add(f.getFileName() + ":" + (i + 1) + ": " + line);
        }
      }
    }
    assertThat(offending).as("exported packages referring to internal ones").isEmpty();
  }
}
