package io.secretsbroker.spi;

import java.util.Collection;

/** Finds the nearest valid word to a typo, for error messages ("did you mean ...?"). */
public final class Suggest {
  private Suggest() {}

  /** A sentence naming the nearest candidate, or listing them all when none is close. */
  public static String didYouMean(String typo, Collection<String> candidates) {
    String best = nearest(typo, candidates);
    if (best != null) {
      return "Did you mean '" + best + "'?";
    }
    return "Valid choices: " + String.join(", ", candidates.stream().sorted().toList()) + ".";
  }

  /** The candidate within a third of the typo's length in edit distance, or null. */
  public static String nearest(String typo, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(typo.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    int limit = Math.max(2, typo.length() / 3);
    return bestDistance <= limit ? best : null;
  }

  /** Optimal string alignment distance: Levenshtein plus adjacent transpositions. */
  public static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
