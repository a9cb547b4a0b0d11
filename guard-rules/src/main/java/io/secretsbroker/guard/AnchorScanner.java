package io.secretsbroker.guard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Finds every occurrence of a fixed set of ASCII anchors in one pass over a text (Aho-Corasick).
 *
 * <p>Design note. The automaton runs over ASCII-lower-cased input, so one pass serves both
 * case-insensitive anchors ({@code jdbc:}, {@code accountkey}) and exact ones ({@code AKIA}):
 * an exact anchor's hit is confirmed with {@link String#startsWith(String, int)}. The goto
 * function is a dense table of 256 entries per state over the text's Latin-1 bytes, with the
 * case folding and an "an anchor ends here" flag built in, so each character costs one array
 * read and one branch; characters outside ASCII lead back to the root (no anchor holds one).
 *
 * <p>Public so that the source scanner ({@code guard} module) finds its own context words with
 * the same single pass ({@link #anyCase}); it is a utility of the guard, not part of the secrets
 * API. Immutable and thread-safe; {@link #scan} never throws on any text.
 */
public final class AnchorScanner {
  private static final int ALPHABET = 128;

  /** Receives each anchor occurrence: the anchor's index (as given) and its start offset. */
  @FunctionalInterface
  public interface Sink {
    void hit(int anchor, int start);
  }

  private final String[] anchors;
  private final boolean[] exact;
  private final int[] delta;
  private final int[][] out;

  /**
   * A scanner matching each of {@code anchors} in any ASCII case.
   *
   * @throws IllegalArgumentException when an anchor is empty or not ASCII
   */
  public static AnchorScanner anyCase(List<String> anchors) {
    return new AnchorScanner(anchors, java.util.Collections.nCopies(anchors.size(), false));
  }

  /**
   * @param anchors    ASCII strings, none empty
   * @param exactCase  per anchor: whether its case must match exactly
   */
  AnchorScanner(List<String> anchors, List<Boolean> exactCase) {
    this.anchors = anchors.toArray(String[]::new);
    this.exact = new boolean[this.anchors.length];
    for (int i = 0; i < exact.length; i++) {
      exact[i] = exactCase.get(i);
    }
    // trie over lower-cased anchors
    List<int[]> next = new ArrayList<>();
    List<List<Integer>> outputs = new ArrayList<>();
    next.add(newRow());
    outputs.add(new ArrayList<>());
    for (int a = 0; a < this.anchors.length; a++) {
      String lower = this.anchors[a].toLowerCase(Locale.ROOT);
      if (lower.isEmpty()) {
        throw new IllegalArgumentException("empty anchor");
      }
      int s = 0;
      for (int i = 0; i < lower.length(); i++) {
        char c = lower.charAt(i);
        if (c >= ALPHABET) {
          throw new IllegalArgumentException("non-ASCII anchor " + lower);
        }
        if (next.get(s)[c] < 0) {
          next.get(s)[c] = next.size();
          next.add(newRow());
          outputs.add(new ArrayList<>());
        }
        s = next.get(s)[c];
      }
      outputs.get(s).add(a);
    }
    // breadth-first: failure links folded into a complete goto table
    int states = next.size();
    int[] fail = new int[states];
    int[] table = new int[states * ALPHABET];
    Deque<Integer> queue = new ArrayDeque<>();
    for (int c = 0; c < ALPHABET; c++) {
      int t = next.get(0)[c];
      table[c] = Math.max(t, 0);
      if (t > 0) {
        fail[t] = 0;
        queue.add(t);
      }
    }
    while (!queue.isEmpty()) {
      int s = queue.poll();
      outputs.get(s).addAll(outputs.get(fail[s]));
      for (int c = 0; c < ALPHABET; c++) {
        int t = next.get(s)[c];
        if (t > 0) {
          fail[t] = table[fail[s] * ALPHABET + c];
          table[s * ALPHABET + c] = t;
          queue.add(t);
        } else {
          table[s * ALPHABET + c] = table[fail[s] * ALPHABET + c];
        }
      }
    }
    this.out = new int[states][];
    for (int s = 0; s < states; s++) {
      List<Integer> o = outputs.get(s);
      if (!o.isEmpty()) {
        out[s] = o.stream().mapToInt(Integer::intValue).toArray();
      }
    }
    // one entry per state and byte: the next state's row offset (state << 8), complemented when that
    // state ends an anchor; upper-case ASCII letters share their lower-case entries; bytes >= 128 reset
    this.delta = new int[states << 8];
    for (int s = 0; s < states; s++) {
      for (int b = 0; b < ALPHABET; b++) {
        int lower = b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
        int t = table[s * ALPHABET + lower];
        delta[(s << 8) | b] = out[t] != null ? ~(t << 8) : t << 8;
      }
    }
  }

  private static int[] newRow() {
    int[] row = new int[ALPHABET];
    Arrays.fill(row, -1);
    return row;
  }

  /** Reports every anchor occurrence in {@code text}, in order of the occurrences' end offsets. */
  public void scan(String text, Sink sink) {
    // Latin-1 bytes (one array copy for a Latin-1 string); characters beyond it become '?', no anchor's
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    int[] delta = this.delta;
    int s = 0;
    for (int i = 0; i < bytes.length; i++) {
      int e = delta[s | (bytes[i] & 0xFF)];
      if (e >= 0) {
        s = e;
        continue;
      }
      s = ~e;
      for (int a : out[s >>> 8]) {
        int start = i + 1 - anchors[a].length();
        if (!exact[a] || text.startsWith(anchors[a], start)) {
          sink.hit(a, start);
        }
      }
    }
  }
}
