package io.secretsbroker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnchorScannerTest {
  private static List<String> hits(AnchorScanner scanner, List<String> anchors, String text) {
    List<String> out = new ArrayList<>();
    scanner.scan(text, (a, start) -> out.add(anchors.get(a) + "@" + start));
    return out;
  }

  @Test
  void scan_overlappingAndNestedAnchors_allReportedWithStarts() {
    List<String> anchors = List.of("he", "she", "his", "hers");
    AnchorScanner scanner = new AnchorScanner(anchors, List.of(true, true, true, true));
    assertThat(hits(scanner, anchors, "ushers")).containsExactly("she@1", "he@2", "hers@2");
  }

  @Test
  void scan_exactAnchorInOtherCase_ignoredButAnyCaseAnchorFound() {
    List<String> anchors = List.of("AKIA", "jdbc:");
    AnchorScanner scanner = new AnchorScanner(anchors, List.of(true, false));
    assertThat(hits(scanner, anchors, "akia AKIA JDBC: Jdbc: jdbc:")).containsExactly("AKIA@5", "jdbc:@10",
        "jdbc:@16", "jdbc:@22");
  }

  @Test
  void scan_nonAsciiCharacters_resetTheMatch() {
    List<String> anchors = List.of("ab");
    AnchorScanner scanner = new AnchorScanner(anchors, List.of(true));
    assertThat(hits(scanner, anchors, "aéb ab \u0100ab")).containsExactly("ab@4", "ab@8");
  }
}
