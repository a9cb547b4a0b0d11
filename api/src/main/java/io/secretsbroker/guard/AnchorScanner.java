package io.secretsbroker.guard;

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
 * function is a dense table of 128 entries per state, so each character costs one array read;
 * characters outside ASCII reset to the root (no anchor holds one).
 *
 * <p>Immutable and thread-safe after construction.
 */
final class AnchorScanner {
  private static final int ALPHABET = 128;

  /** Receives each anchor occurrence: the anchor's index (as given) and its start offset. */
  interface Sink {
    void hit(int anchor, int start);
  }

  private final String[] anchors;
  private final boolean[] exact;
  private final int[] delta;
  private final int[][] out;

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
    this.delta = table;
    this.out = new int[states][];
    for (int s = 0; s < states; s++) {
      List<Integer> o = outputs.get(s);
      if (!o.isEmpty()) {
        out[s] = o.stream().mapToInt(Integer::intValue).toArray();
      }
    }
  }

  private static int[] newRow() {
    int[] row = new int[ALPHABET];
    Arrays.fill(row, -1);
    return row;
  }

  /** Reports every anchor occurrence in {@code text}, in order of the occurrences' end offsets. */
  void scan(String text, Sink sink) {
    int[] delta = this.delta;
    int s = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      int c = text.charAt(i);
      if (c >= ALPHABET) {
        s = 0;
        continue;
      }
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      s = delta[(s << 7) | c];
      int[] hits = out[s];
      if (hits != null) {
        for (int a : hits) {
          int start = i + 1 - anchors[a].length();
          if (!exact[a] || text.startsWith(anchors[a], start)) {
            sink.hit(a, start);
          }
        }
      }
    }
  }
}
