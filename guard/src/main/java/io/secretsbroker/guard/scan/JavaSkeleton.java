package io.secretsbroker.guard.scan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A cheap pre-lexer for Java sources that blanks the blocks JavaParser need not see, so the
 * parser spends its time only where a secret could be judged.
 *
 * <p>Design note. The lexer knows comments, string and character literals and text blocks, so
 * it finds every code brace pair ({@code { ... }}): class, method, lambda and initializer bodies,
 * array initializers, switch blocks. A block is <em>relevant</em> when a relevant point (a
 * secret-sounding word in code or in a literal, not in a comment, which never names or holds
 * a judged value; or a {@code +} joining string literals) lies
 * in it or in its header (the text since the previous {@code ;}, {@code {} or {@code }}, which
 * holds a method's name, a field's name or an annotation) or in the header of a method-like block
 * around it (a getter's name judges the literals its body returns, however deeply nested). The
 * name of an enclosing class judges nothing, so {@code class SecretStore} alone keeps no method
 * body. The interior of every outermost
 * irrelevant block is reduced to its line breaks plus its last line as blanks (tabs kept), so
 * every kept character keeps its line and column, and the result is still valid Java
 * ({@code void m() { }}, {@code x -> { }}, {@code new String[] { }}). The parser's cost follows
 * the characters it reads, so dropping them rather than blanking them matters. No literal whose
 * judgement depends on its surroundings loses those surroundings: they are all in the kept text.
 *
 * <p>When the lexer cannot make sense of the text (unbalanced braces, an unterminated literal or
 * comment) it returns the text unchanged. Stateless; thread-safe.
 */
final class JavaSkeleton {
  private JavaSkeleton() {}

  /**
   * The text with irrelevant block interiors blanked.
   *
   * @param text   the Java source
   * @param points sorted offsets of secret-sounding words in {@code text}
   */
  static String blank(String text, int[] points) {
    Lexed lexed = lex(text);
    if (lexed == null) {
      return text;
    }
    int[] all = merge(outsideComments(points, lexed.comments), lexed.concatenations);
    StringBuilder out = null;
    int copied = 0; // text before this offset is already in out
    int blocks = lexed.open.size();
    boolean[] passDown = new boolean[blocks];
    int blankedUntil = -1;
    for (int b = 0; b < blocks; b++) {
      int open = lexed.open.get(b);
      int close = lexed.close[b];
      int parent = lexed.parent.get(b);
      if (open < blankedUntil) {
        continue; // inside a blanked block
      }
      int header = lexed.headerStart.get(b);
      boolean own = any(all, header, open);
      passDown[b] = (parent >= 0 && passDown[parent]) || (own && isMethodLike(text, header, open));
      if (own || passDown[b] || any(all, open, close) || close == open + 1) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copied, open + 1);
      blankInterior(text, open + 1, close, out);
      copied = close;
      blankedUntil = close;
    }
    return out == null ? text : out.append(text, copied, text.length()).toString();
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
   * Whether a block's header ends like a method's: {@code )}, perhaps with a {@code throws} clause.
   * Control statements, records and anonymous classes also pass; a class, interface or enum header
   * ({@code class SecretStore implements TokenSource}) does not, nor a lambda's ({@code ->}).
   */
  static boolean isMethodLike(String text, int headerStart, int open) {
    String header = text.substring(headerStart, open).strip();
    if (header.endsWith(")")) {
      return true;
    }
    int paren = header.lastIndexOf(')');
    return paren >= 0 && header.substring(paren + 1).strip().startsWith("throws");
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

  private static int[] merge(int[] a, List<Integer> b) {
    int[] all = Arrays.copyOf(a, a.length + b.size());
    for (int i = 0; i < b.size(); i++) {
      all[a.length + i] = b.get(i);
    }
    Arrays.sort(all);
    return all;
  }

  /** Brace pairs in order of their opening brace, with parents and headers, and literal joins. */
  private static final class Lexed {
    final List<Integer> open = new ArrayList<>();
    final List<Integer> headerStart = new ArrayList<>();
    final List<Integer> parent = new ArrayList<>();
    int[] close;
    final List<Integer> concatenations = new ArrayList<>();
    /** Comment spans in order, as start, end pairs: no name or literal is ever judged there. */
    final List<Integer> comments = new ArrayList<>();
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

  /** Lexes the text, or returns null when it is not well-formed enough to blank safely. */
  private static Lexed lex(String text) {
    Lexed lx = new Lexed();
    List<Integer> closes = new ArrayList<>();
    int[] stack = new int[16];
    int depth = 0;
    int lastDelimiter = 0;
    char prevSignificant = 0; // last code character that is not whitespace; '"' after a string literal
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
        int nl = text.indexOf('\n', i);
        lx.comments.add(i);
        i = nl < 0 ? n : nl + 1;
        lx.comments.add(i);
        continue;
      }
      if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
        int end = text.indexOf("*/", i + 2);
        if (end < 0) {
          return null;
        }
        lx.comments.add(i);
        i = end + 2;
        lx.comments.add(i);
        continue;
      }
      if (c == '"' || c == '\'') {
        if (prevSignificant == '+' && c == '"') {
          lx.concatenations.add(i);
        }
        int end = c == '"' && text.startsWith("\"\"\"", i) ? endOfTextBlock(text, i + 3) : endOfQuoted(text, i + 1, c);
        if (end < 0) {
          return null;
        }
        i = end;
        prevSignificant = c;
        continue;
      }
      if (c == '{') {
        if (depth == stack.length) {
          stack = Arrays.copyOf(stack, depth * 2);
        }
        stack[depth++] = lx.open.size();
        lx.parent.add(depth >= 2 ? stack[depth - 2] : -1);
        lx.open.add(i);
        lx.headerStart.add(lastDelimiter);
        closes.add(-1);
        lastDelimiter = i + 1;
      } else if (c == '}') {
        if (depth == 0) {
          return null;
        }
        closes.set(stack[--depth], i);
        lastDelimiter = i + 1;
      } else if (c == ';') {
        lastDelimiter = i + 1;
      } else if (c == '+' && prevSignificant == '"') {
        lx.concatenations.add(i);
      }
      if (!Character.isWhitespace(c)) {
        prevSignificant = c;
      }
      i++;
    }
    if (depth != 0) {
      return null;
    }
    lx.close = closes.stream().mapToInt(Integer::intValue).toArray();
    return lx;
  }

  /** Offset just past the closing quote of a string or character literal, or -1. */
  private static int endOfQuoted(String text, int from, char quote) {
    int n = text.length();
    for (int i = from; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == quote) {
        return i + 1;
      } else if (c == '\n') {
        return -1;
      }
    }
    return -1;
  }

  /** Offset just past the closing {@code """} of a text block, or -1. */
  private static int endOfTextBlock(String text, int from) {
    int n = text.length();
    for (int i = from; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"' && text.startsWith("\"\"\"", i)) {
        return i + 3;
      }
    }
    return -1;
  }
}
