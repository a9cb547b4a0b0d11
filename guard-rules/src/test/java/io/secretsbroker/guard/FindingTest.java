package io.secretsbroker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fingerprint scheme (issue 15): rule, path, subject and ordinal, nothing of the value. */
class FindingTest {
  private final Detector detector = Detector.defaults();

  private Finding finding(String value, int line) {
    Detection d = detector.scanAssignment("DB_PASSWORD", value).get(0);
    return Finding.of(d, "app/a.properties", line, 13, "DB_PASSWORD");
  }

  @Test
  void fingerprint_findingsDifferingOnlyInValue_areEqual() {
    Finding a = finding(FakeTokens.random(FakeTokens.ALNUM, 18, 1), 1);
    Finding b = finding(FakeTokens.random(FakeTokens.ALNUM, 18, 2), 1);
    assertThat(a.fingerprint()).hasSize(20).isEqualTo(b.fingerprint());
  }

  @Test
  void fingerprint_isTheDocumentedSchemeOverRulePathSubjectAndOrdinal() {
    Finding a = finding(FakeTokens.random(FakeTokens.ALNUM, 18, 3), 7);
    assertThat(a.fingerprint()).isEqualTo(Finding.fingerprint(a.rule(), "app/a.properties", "DB_PASSWORD", 0));
    assertThat(Finding.fingerprint(a.rule(), "app/a.properties", "DB_PASSWORD", 1)).isNotEqualTo(a.fingerprint());
    assertThat(Finding.fingerprint(a.rule(), "app/a.properties", null, 0))
        .isNotEqualTo(Finding.fingerprint(a.rule(), "app/a.properties", "", 0));
    assertThat(Finding.fingerprint(a.rule(), "a", "bc", 0)).isNotEqualTo(Finding.fingerprint(a.rule(), "ab", "c", 0));
  }

  @Test
  void numbered_sameRulePathAndSubject_getOrdinalsByPositionAndDistinctFingerprints() {
    String value = FakeTokens.random(FakeTokens.ALNUM, 18, 4);
    Finding later = finding(value, 9);
    Finding earlier = finding(value, 2);
    Finding other = Finding.of(detector.scanAssignment("API_TOKEN", value).get(0), "app/a.properties", 5, 1,
        "API_TOKEN");
    assertThat(later.fingerprint()).isEqualTo(earlier.fingerprint());

    List<Finding> out = Finding.numbered(List.of(later, other, earlier));

    assertThat(out).extracting(Finding::line).containsExactly(9, 5, 2);
    assertThat(out).extracting(Finding::ordinal).containsExactly(1, 0, 0);
    assertThat(out.get(0).fingerprint()).isNotEqualTo(out.get(2).fingerprint());
    assertThat(out.get(2).fingerprint()).isEqualTo(earlier.fingerprint());
  }

  @Test
  void numbered_linesMoved_fingerprintsUnchanged() {
    String value = FakeTokens.random(FakeTokens.ALNUM, 18, 5);
    List<Finding> before = Finding.numbered(List.of(finding(value, 3), finding(value, 8)));
    List<Finding> after = Finding.numbered(List.of(finding(value, 40), finding(value, 71)));
    assertThat(after).extracting(Finding::fingerprint)
        .containsExactlyElementsOf(before.stream().map(Finding::fingerprint).toList());
  }
}
