package io.secretsbroker.guard.scan;

import io.secretsbroker.guard.Detector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A cheap pre-lexer for Java sources that blanks the blocks JavaParser need not see, so the
 * parser spends its time only where a secret could be judged.
 *
 * <p>Design note. The lexer knows comments, string and character literals and text blocks, so
 * it finds every code brace pair ({@code { ... }}: class, method, lambda and initializer bodies,
 * array initializers, switch blocks) and every string literal. A string literal is
 * <em>relevant</em> when the {@link JavaAnalyzer} could judge it: a context word
 * ({@code password}, {@code token}, {@code getenv}, {@code keyspec}, ...) or a secret-sounding
 * identifier or literal ({@code pw}, {@code clientKey}, {@code "app.key"}; never in a comment,
 * which names and holds nothing) lies in its statement, or the literal is part of a concatenation or
 * holds an escape (its value then differs from the text the format rules saw), or it sits inside
 * the body of a getter of a secret-sounding name ({@code getApiKey()}: the getter's name judges
 * the literals its body returns, however deeply nested). A literal's statement is taken generously:
 * from the previous {@code ;} at its brace depth (or the brace that opened that depth) to the
 * next one (or the closing brace), nested blocks included, so the key of
 * {@code props.setProperty("password", "...")}, the variable of {@code String apiKey = "..."}, the
 * annotation member of {@code @Value(password = "...")} and the sink of
 * {@code new PBEKeySpec("...".toCharArray())} are always in it. What holds no relevant literal is
 * emptied: a block's interior, a statement inside braces (from the {@code ;} or brace before it
 * to its own {@code ;}, outside parentheses, without a {@code case} or {@code default} label, not
 * followed by {@code else} nor starting with {@code while}, so {@code for} headers, switch labels,
 * braceless if-else and do-while stay whole) and every comment. An emptied span keeps
 * its line breaks and its last line as blanks (tabs kept), so every kept character keeps its line
 * and column, and the result is still valid Java ({@code void m() { }}, {@code x -> { }},
 * {@code new String[] { }}, a lone {@code ;}). The parser's cost follows the characters it
 * reads, blanks included, hence the dropped lines. Should a skeleton ever fail to parse, the
 * analyzer parses the whole text instead.
 *
 * <p>The lexing itself is {@link JavaLexer}'s. When the lexer cannot make sense of the text (unbalanced braces, an unterminated literal or
 * comment) it returns the text unchanged. Stateless; thread-safe.
 */
final class JavaSkeleton {
  private JavaSkeleton() {}

  /**
   * The text with the blocks, statements and comments that hold no relevant literal emptied.
   *
   * @param text   the Java source
   * @param points where context words and weak name fragments stand ({@link JavaContext#contextPoints})
   */
  static String blank(String text, JavaContext.Points points) {
    return blank(text, points, false);
  }

  /**
   * Like {@link #blank(String, JavaContext.Points)}, but null when the text lexes and holds no
   * relevant literal: the analyzer could judge none of its literals, so it need not be parsed.
   */
  static String skeletonOrNull(String text, JavaContext.Points points) {
    return blank(text, points, true);
  }

  private static String blank(String text, JavaContext.Points points, boolean nullWhenNothingRelevant) {
    JavaLexer lx = JavaLexer.lex(text);
    if (lx == null) {
      return text;
    }
    int[] words = merge(outsideComments(points.words(), lx.comments),
        secretNamed(text, outsideComments(points.weak(), lx.comments), lx));
    int blocks = lx.open.size();
    boolean[] passDown = new boolean[blocks];
    for (int b = 0; b < blocks; b++) {
      int parent = lx.parent.get(b);
      int header = lx.headerStart.get(b);
      int open = lx.open.get(b);
      passDown[b] = (parent >= 0 && passDown[parent]) || isSecretGetter(text, header, open);
    }
    boolean[] keep = new boolean[blocks];
    int[] relevant = new int[lx.litStart.size()];
    int relevantCount = 0;
    for (int j = 0; j < lx.litStart.size(); j++) {
      int block = lx.litBlock.get(j);
      if (lx.litConcatenated.get(j) || lx.litEscaped.get(j)
          || any(words, lx.litStatementStart.get(j), lx.litStatementEnd.get(j))
          || (block >= 0 && passDown[block])) {
        relevant[relevantCount++] = lx.litStart.get(j);
        for (int b = block; b >= 0 && !keep[b]; b = lx.parent.get(b)) {
          keep[b] = true;
        }
      }
    }
    if (relevantCount == 0 && nullWhenNothingRelevant) {
      return null;
    }
    return emptied(text, droppable(text, lx, keep, Arrays.copyOf(relevant, relevantCount)));
  }

  /**
   * The spans to empty, sorted by start (longest first): block interiors not kept, statements
   * without a relevant literal, comments.
   */
  private static List<long[]> droppable(String text, JavaLexer lx, boolean[] keep, int[] relevant) {
    int blocks = lx.open.size();
    List<long[]> spans = new ArrayList<>();
    for (int b = 0; b < blocks; b++) {
      if (!keep[b]) {
        spans.add(new long[] {lx.open.get(b) + 1, lx.close[b]});
      }
    }
    int[] dropped = droppedInteriors(lx, keep);
    for (int k = 0; k < lx.statements.size(); k += 2) {
      int from = lx.statements.get(k) + 1;
      int to = lx.statements.get(k + 1);
      if (!within(dropped, from, to) && !any(relevant, from, to) && !hasSwitchLabel(text, from, to)
          && !codeStartsWith(text, to + 1, "else") && !codeStartsWith(text, from, "while")) {
        spans.add(new long[] {from, to});
      }
    }
    for (int k = 0; k < lx.comments.size(); k += 2) {
      spans.add(new long[] {lx.comments.get(k), lx.comments.get(k + 1)});
    }
    spans.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(y[1], x[1]));
    return spans;
  }

  /** The text with the spans emptied (the same text when there are none). */
  private static String emptied(String text, List<long[]> spans) {
    StringBuilder out = null;
    int copied = 0;
    for (long[] span : spans) {
      int from = (int) span[0];
      int to = (int) span[1];
      if (from < copied || to <= from) {
        continue; // inside a span already dropped, or empty
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copied, from);
      blankInterior(text, from, to, out);
      copied = to;
    }
    return out == null ? text : out.append(text, copied, text.length()).toString();
  }

  /**
   * The interiors of the outermost blocks that are emptied, as sorted start, end pairs (disjoint,
   * since blocks nest). A statement inside one is emptied with it; judging it on its own would
   * change nothing, and its switch-label and {@code else} checks are what the lexed text costs most.
   */
  private static int[] droppedInteriors(JavaLexer lx, boolean[] keep) {
    int[] spans = new int[8];
    int n = 0;
    for (int b = 0; b < keep.length; b++) {
      int parent = lx.parent.get(b);
      if (!keep[b] && (parent < 0 || keep[parent])) {
        if (n + 2 > spans.length) {
          spans = Arrays.copyOf(spans, spans.length * 2);
        }
        spans[n++] = lx.open.get(b) + 1;
        spans[n++] = lx.close[b];
      }
    }
    return Arrays.copyOf(spans, n);
  }

  /** Whether {@code [from, to)} lies inside one of the sorted, disjoint start, end pairs. */
  private static boolean within(int[] spans, int from, int to) {
    int lo = 0;
    int hi = spans.length / 2 - 1;
    while (lo <= hi) { // the last pair starting at or before from
      int mid = (lo + hi) >>> 1;
      if (spans[2 * mid] <= from) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return hi >= 0 && to <= spans[2 * hi + 1];
  }

  /**
   * Whether the code from {@code at} (past blanks and comments) starts with {@code word}: a
   * statement followed by {@code else} is an if's branch, one starting with {@code while} may end a
   * {@code do} whose body is the statement before.
   */
  private static boolean codeStartsWith(String text, int at, String word) {
    int i = at;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (text.startsWith("//", i)) {
        int nl = text.indexOf('\n', i);
        i = nl < 0 ? n : nl + 1;
      } else if (text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    int end = i + word.length();
    return text.startsWith(word, i) && (end == n || !Character.isJavaIdentifierPart(text.charAt(end)));
  }

  /** Whether {@code case} or {@code default} stands as a word in the span: a switch label must stay. */
  private static boolean hasSwitchLabel(String text, int from, int to) {
    return hasWord(text, "case", from, to) || hasWord(text, "default", from, to);
  }

  private static boolean hasWord(String text, String word, int from, int to) {
    char first = word.charAt(0);
    for (int at = from; at + word.length() <= to; at++) {
      if (text.charAt(at) != first || !text.startsWith(word, at)) {
        continue;
      }
      boolean before = at == 0 || !Character.isJavaIdentifierPart(text.charAt(at - 1));
      int after = at + word.length();
      if (before && (after == text.length() || !Character.isJavaIdentifierPart(text.charAt(after)))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Appends the blanked form of {@code text[from, to)}: its line breaks, then its last line as
   * spaces and tabs, so every line and every column after it stays where it was.
   */
  private static void blankInterior(String text, int from, int to, StringBuilder out) {
    int lastBreak = from - 1;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        out.append(c);
        lastBreak = i;
      }
    }
    for (int i = lastBreak + 1; i < to; i++) {
      out.append(text.charAt(i) == '\t' ? '\t' : ' ');
    }
  }

  /**
   * Whether a block's header declares a getter of a secret-sounding name ({@code getApiKey()},
   * perhaps with a {@code throws} clause): the analysis judges the literals such a method returns.
   */
  static boolean isSecretGetter(String text, int headerStart, int open) {
    String header = text.substring(headerStart, open);
    int close = header.lastIndexOf(')');
    if (close < 0) {
      return false;
    }
    String tail = header.substring(close + 1).strip();
    if (!tail.isEmpty() && !tail.startsWith("throws")) {
      return false;
    }
    int depth = 0;
    int paren = close;
    for (; paren >= 0; paren--) {
      char c = header.charAt(paren);
      if (c == ')') {
        depth++;
      } else if (c == '(' && --depth == 0) {
        break;
      }
    }
    int end = paren;
    while (end > 0 && Character.isWhitespace(header.charAt(end - 1))) {
      end--;
    }
    int start = end;
    while (start > 0 && Character.isJavaIdentifierPart(header.charAt(start - 1))) {
      start--;
    }
    String name = header.substring(Math.max(start, 0), Math.max(end, 0));
    return name.startsWith("get") && name.length() > 3 && Detector.isSecretName(name.substring(3));
  }

  /**
   * The weak fragments ({@code key}, {@code pw}) that stand in a secret-sounding name: the
   * identifier around them, or the string literal holding them.
   */
  private static int[] secretNamed(String text, int[] weak, JavaLexer lx) {
    int[] kept = new int[weak.length];
    int n = 0;
    for (int p : weak) {
      int lit = literalAt(lx, p);
      String name;
      if (lit >= 0) {
        name = text.substring(lx.litStart.get(lit) + 1, Math.max(lx.litStart.get(lit) + 1, lx.litEnd.get(lit) - 1));
      } else {
        int from = p;
        while (from > 0 && Character.isJavaIdentifierPart(text.charAt(from - 1))) {
          from--;
        }
        int to = p;
        while (to < text.length() && Character.isJavaIdentifierPart(text.charAt(to))) {
          to++;
        }
        name = text.substring(from, to);
      }
      if (Detector.isSecretName(name)) {
        kept[n++] = p;
      }
    }
    return Arrays.copyOf(kept, n);
  }

  /** The index of the string literal spanning {@code at}, or -1. */
  private static int literalAt(JavaLexer lx, int at) {
    int i = java.util.Collections.binarySearch(lx.litStart, at);
    int lit = i >= 0 ? i : -i - 2;
    return lit >= 0 && at < lx.litEnd.get(lit) ? lit : -1;
  }

  private static int[] merge(int[] a, int[] b) {
    int[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    Arrays.sort(all);
    return all;
  }

  /** Whether a sorted array holds a value in [from, to]. */
  private static boolean any(int[] sorted, int from, int to) {
    int i = Arrays.binarySearch(sorted, from);
    if (i >= 0) {
      return true;
    }
    int next = -i - 1;
    return next < sorted.length && sorted[next] <= to;
  }

  /** The points (sorted) that are not inside a comment. */
  private static int[] outsideComments(int[] points, List<Integer> comments) {
    int[] kept = new int[points.length];
    int n = 0;
    int c = 0;
    for (int p : points) {
      while (c < comments.size() && comments.get(c + 1) <= p) {
        c += 2;
      }
      if (c >= comments.size() || p < comments.get(c)) {
        kept[n++] = p;
      }
    }
    return Arrays.copyOf(kept, n);
  }
}
