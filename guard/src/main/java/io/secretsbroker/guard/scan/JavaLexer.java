package io.secretsbroker.guard.scan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link JavaSkeleton}'s pre-lexer found in a Java source: brace pairs in order of their
 * opening brace, string literals with their statements, comments and droppable statements. The
 * lexer knows comments, string and character literals and text blocks; {@link #lex(String)}
 * returns null when the text is not well-formed enough to blank safely (unbalanced braces, an
 * unterminated literal or comment). Mutable only while lexing; read it afterwards.
 */
final class JavaLexer {
  final List<Integer> open = new ArrayList<>();
  /** Where each block's header starts: just after the previous {@code ;}, opening or closing brace. */
  final List<Integer> headerStart = new ArrayList<>();
  final List<Integer> parent = new ArrayList<>();
  int[] close;
  final List<Integer> litStart = new ArrayList<>();
  final List<Integer> litEnd = new ArrayList<>();
  /** The innermost block holding each literal, or -1. */
  final List<Integer> litBlock = new ArrayList<>();
  final List<Integer> litStatementStart = new ArrayList<>();
  final List<Integer> litStatementEnd = new ArrayList<>();
  final List<Boolean> litConcatenated = new ArrayList<>();
  /** Whether a literal holds a backslash: its value differs from its text, which the format rules saw. */
  final List<Boolean> litEscaped = new ArrayList<>();
  /** Comment spans in order, as start, end pairs. */
  final List<Integer> comments = new ArrayList<>();
  /**
   * Droppable statements inside braces, as pairs: the {@code ;} or {@code {} before each and its
   * own {@code ;}, both outside parentheses (so no {@code for} header is cut), nested blocks included.
   */
  final List<Integer> statements = new ArrayList<>();

  private JavaLexer() {}

  /** Lexes the text, or returns null when it is not well-formed enough to blank safely. */
  static JavaLexer lex(String text) {
    return new Pass(text).run();
  }

  /** One lexing pass: the state per brace depth while the text is read. Not reusable. */
  private static final class Pass {
    final String text;
    final JavaLexer lx = new JavaLexer();
    final List<Integer> closes = new ArrayList<>();
    int[] stack = new int[16]; // block index per depth - 1
    int[] statementStart = new int[17]; // per depth: the last ';' or the opening brace
    int[] parens = new int[17]; // per depth: open parentheses
    int[] parensAtStart = new int[17]; // per depth: open parentheses at statementStart
    final List<Integer> pending = new ArrayList<>(); // literals whose statement has not ended, innermost last
    int depth;
    int lastDelimiter;
    char prevSignificant; // last code character that is not whitespace; '"' after a string literal

    Pass(String text) {
      this.text = text;
    }

    JavaLexer run() {
      int n = text.length();
      int i = 0;
      while (i < n) {
        char c = text.charAt(i);
        if (c == '/' && i + 1 < n && (text.charAt(i + 1) == '/' || text.charAt(i + 1) == '*')) {
          i = comment(i);
        } else if (c == '"' || c == '\'') {
          i = quoted(i, c);
        } else {
          if (!code(c, i)) {
            return null;
          }
          if (!Character.isWhitespace(c)) {
            prevSignificant = c;
          }
          i++;
        }
        if (i < 0) {
          return null;
        }
      }
      if (depth != 0) {
        return null;
      }
      lx.close = closes.stream().mapToInt(Integer::intValue).toArray();
      return lx;
    }

    /** A line or block comment at {@code i}: the offset after it, or -1 when it is unterminated. */
    private int comment(int i) {
      int n = text.length();
      if (text.charAt(i + 1) == '/') {
        int nl = text.indexOf('\n', i);
        lx.comments.add(i);
        int end = nl < 0 ? n : nl + 1;
        lx.comments.add(end);
        return end;
      }
      int end = text.indexOf("*/", i + 2);
      if (end < 0) {
        return -1;
      }
      lx.comments.add(i);
      lx.comments.add(end + 2);
      return end + 2;
    }

    /** A string, character or text-block literal at {@code i}: the offset after it, or -1. */
    private int quoted(int i, char c) {
      int end = c == '"' && text.startsWith("\"\"\"", i) ? endOfTextBlock(text, i + 3) : endOfQuoted(text, i + 1, c);
      if (end < 0) {
        return -1;
      }
      if (c == '"') {
        pending.add(lx.litStart.size());
        lx.litStart.add(i);
        lx.litEnd.add(end);
        lx.litBlock.add(depth > 0 ? stack[depth - 1] : -1);
        lx.litStatementStart.add(statementStart[depth]);
        lx.litStatementEnd.add(text.length());
        lx.litConcatenated.add(prevSignificant == '+');
        lx.litEscaped.add(hasBackslash(text, i, end));
      }
      prevSignificant = c;
      return end;
    }

    /** A code character at {@code i}; false when a closing brace has no opening one. */
    private boolean code(char c, int i) {
      if (c == '{') {
        openBrace(i);
      } else if (c == '}') {
        if (depth == 0) {
          return false;
        }
        endStatements(lx, pending, depth, i);
        closes.set(stack[--depth], i);
        lastDelimiter = i + 1;
      } else if (c == ';') {
        endStatements(lx, pending, depth, i);
        if (depth > 0 && parens[depth] == 0 && parensAtStart[depth] == 0) {
          lx.statements.add(statementStart[depth]);
          lx.statements.add(i);
        }
        statementStart[depth] = i;
        parensAtStart[depth] = parens[depth];
        lastDelimiter = i + 1;
      } else if (c == '(') {
        parens[depth]++;
      } else if (c == ')') {
        parens[depth]--;
      } else if (c == '+' && prevSignificant == '"') {
        lx.litConcatenated.set(lx.litStart.size() - 1, true);
      }
      return true;
    }

    private void openBrace(int i) {
      if (depth == stack.length) {
        stack = Arrays.copyOf(stack, depth * 2);
        statementStart = Arrays.copyOf(statementStart, depth * 2 + 1);
        parens = Arrays.copyOf(parens, depth * 2 + 1);
        parensAtStart = Arrays.copyOf(parensAtStart, depth * 2 + 1);
      }
      stack[depth++] = lx.open.size();
      lx.parent.add(depth >= 2 ? stack[depth - 2] : -1);
      lx.open.add(i);
      lx.headerStart.add(lastDelimiter);
      closes.add(-1);
      statementStart[depth] = i;
      parens[depth] = 0;
      parensAtStart[depth] = 0;
      lastDelimiter = i + 1;
    }
  }

  /** Ends, at {@code at}, the statement of every pending literal at {@code depth}. */
  private static void endStatements(JavaLexer lx, List<Integer> pending, int depth, int at) {
    while (!pending.isEmpty()) {
      int j = pending.get(pending.size() - 1);
      int block = lx.litBlock.get(j);
      int litDepth = 0;
      for (int b = block; b >= 0; b = lx.parent.get(b)) {
        litDepth++;
      }
      if (litDepth != depth) {
        return;
      }
      lx.litStatementEnd.set(j, at);
      pending.remove(pending.size() - 1);
    }
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

  /** Whether a backslash stands in {@code text[from, to)}. */
  private static boolean hasBackslash(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (text.charAt(i) == '\\') {
        return true;
      }
    }
    return false;
  }
}
