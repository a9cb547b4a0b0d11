package io.secretsbroker.guard.scan;

import io.secretsbroker.guard.Detection;
import io.secretsbroker.guard.Finding;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One text being scanned (a file, or a text entry inside a jar) and the findings made in it.
 * Turns offsets into lines and columns, applies inline {@code secrets-guard:allow <reason>}
 * suppressions and drops duplicate reports of one value. Not thread-safe: one per file.
 */
final class SourceText {
  static final String ALLOW_MARKER = "secrets-guard:allow";

  final String path;
  final String text;
  private int[] lineStarts;
  private final List<Finding> findings = new ArrayList<>();
  private final Set<Long> seen = new HashSet<>();
  int suppressed;
  int suppressedWithoutReason;

  SourceText(String path, String text) {
    this.path = path;
    this.text = text;
  }

  /** The findings made, numbered by {@link Finding#numbered(List)} so their fingerprints are final. */
  List<Finding> findings() {
    return Finding.numbered(findings);
  }

  /** Reports a detection whose offsets are relative to {@code base} in this text. */
  void report(Detection d, int base, String subject) {
    int abs = base + d.start();
    int line = lineOf(abs);
    report(d, line, abs - lineStart(line) + 1, subject, abs);
  }

  /** Reports a detection at a known line and column (parsers that give positions). */
  void reportAt(Detection d, int line, int column, String subject) {
    report(d, line, column, subject, -1);
  }

  private void report(Detection d, int line, int column, String subject, int abs) {
    long key = ((long) line << 32) ^ (d.rule().ordinal() * 1_000_003L) ^ (abs >= 0 ? abs : column);
    long lineKey = ((long) line << 32) | d.rule().ordinal();
    if (!seen.add(key) || !seen.add(lineKey)) {
      return;
    }
    if (isSuppressed(line)) {
      return;
    }
    findings.add(Finding.of(d, path, line, column, subject));
  }

  /** Reports a name-only finding (a read of a secret from the environment). */
  void reportName(io.secretsbroker.guard.Rule rule, int line, int column, String subject) {
    if (!isSuppressed(line)) {
      findings.add(Finding.ofName(rule, path, line, column, subject));
    }
  }

  private boolean isSuppressed(int line) {
    if (line <= 0) {
      return false;
    }
    String l = lineText(line);
    int at = l.indexOf(ALLOW_MARKER);
    if (at < 0) {
      return false;
    }
    String reason = l.substring(at + ALLOW_MARKER.length()).replaceAll("(\\*/|-->|#)", " ").strip();
    if (reason.isEmpty() || !Character.isLetterOrDigit(reason.charAt(0))) {
      suppressedWithoutReason++;
      return false;
    }
    suppressed++;
    return true;
  }

  int lineOf(int offset) {
    int[] starts = lineStarts();
    int lo = 0;
    int hi = starts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo + 1;
  }

  int lineStart(int line) {
    return lineStarts()[line - 1];
  }

  String lineText(int line) {
    int[] starts = lineStarts();
    if (line < 1 || line > starts.length) {
      return "";
    }
    int end = line < starts.length ? starts[line] - 1 : text.length();
    return text.substring(starts[line - 1], Math.max(starts[line - 1], end));
  }

  private int[] lineStarts() {
    if (lineStarts == null) {
      int count = 1;
      for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        count++;
      }
      int[] starts = new int[count];
      int n = 1;
      for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        starts[n++] = i + 1;
      }
      lineStarts = starts;
    }
    return lineStarts;
  }
}
