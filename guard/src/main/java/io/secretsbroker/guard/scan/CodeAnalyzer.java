package io.secretsbroker.guard.scan;

import io.secretsbroker.guard.Detection;
import io.secretsbroker.guard.Detector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Assignment-shaped rules for the other languages found in a Java repository, each read by a small
 * lexer of its family (so strings and comments are told apart, not guessed by one regex over
 * everything):
 *
 * <ul>
 *   <li>{@link Family#C_LIKE}: Go, Kotlin, C#, JavaScript/TypeScript, Groovy (including
 *       {@code .gradle} build scripts), Scala, Swift, Rust, PHP, Dart: {@code //} and {@code /* *\/}
 *       comments, {@code "..."}, {@code '...'}, {@code `...`}, triple-quoted and C# verbatim strings;</li>
 *   <li>{@link Family#PYTHON}: {@code #} comments, prefixed ({@code r}, {@code b}, {@code f}) and
 *       triple-quoted strings;</li>
 *   <li>{@link Family#MAKE}: Makefiles ({@code NAME = v}, {@code :=}, {@code ?=}, {@code export NAME=v});</li>
 *   <li>{@link Family#TEXT}: {@code .txt} notes, line pairs {@code name = value} / {@code name: value}.</li>
 * </ul>
 *
 * <p>In code, a string literal is judged by {@link Detector#scanAssignment} when it is assigned to a
 * name ({@code api_key = "..."}, {@code val apiKey: String = "..."}, {@code password := "..."}), passed
 * as a named argument ({@code connect(password="...")}), or is the value of a literal key
 * ({@code {"password": "..."}}, {@code apiKey: '...'}, {@code "password" to "..."}); a literal
 * passed alone to a credential setter ({@code setPassword("...")}, {@code withPassword("...")}) is
 * judged by {@link Detector#scanCredentialArgument}. Stateless and thread-safe.
 */
final class CodeAnalyzer {
  enum Family { C_LIKE, PYTHON, MAKE, TEXT }

  private static final Set<String> TYPE_WORDS = Set.of("string", "String", "str", "var", "val", "let", "const",
      "char", "bytes", "byte", "object", "Any", "dynamic", "final", "readonly", "static", "private", "public",
      "internal", "protected");
  private static final Pattern MAKE_PAIR = Pattern.compile(
      "^\\s*(?:export\\s+|override\\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\\s*(?:\\?=|::=|:=|\\+=|!=|=)\\s*(.*)$");
  private static final Pattern TEXT_PAIR = Pattern.compile(
      "^\\s*(?:[-*]\\s+)?(?:export\\s+|set\\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\\s*(?::=|=|:)\\s*(\\S.*)$");

  private final Detector detector = Detector.defaults();

  /** The family a file name calls for, or null. */
  static Family familyOf(String lowerName, String ext) {
    if (lowerName.equals("makefile") || lowerName.equals("gnumakefile") || ext.equals("mk") || ext.equals("mak")) {
      return Family.MAKE;
    }
    return switch (ext) {
      case "go", "kt", "kts", "cs", "js", "jsx", "mjs", "cjs", "ts", "tsx", "groovy", "gradle", "gvy", "scala", "sc",
          "swift", "rs", "php", "dart" -> Family.C_LIKE;
      case "py", "pyw", "pyi" -> Family.PYTHON;
      case "txt", "text", "md" -> ext.equals("md") ? null : Family.TEXT;
      default -> null;
    };
  }

  void analyze(Family family, SourceText src) {
    switch (family) {
      case MAKE -> lines(src, MAKE_PAIR);
      case TEXT -> lines(src, TEXT_PAIR);
      default -> code(src, lex(src.text, family));
    }
  }

  // ---------------------------------------------------------------- line families

  private void lines(SourceText src, Pattern pair) {
    String text = src.text;
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      Matcher m = pair.matcher(text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end));
      if (m.matches()) {
        String raw = m.group(2);
        String value = stripLineComment(raw).strip();
        if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
            && value.charAt(value.length() - 1) == value.charAt(0)) {
          value = value.substring(1, value.length() - 1);
        }
        if (!value.isEmpty()) {
          int valueAt = start + m.start(2) + Math.max(0, raw.indexOf(value));
          for (Detection d : detector.scanAssignment(m.group(1), value)) {
            src.report(d, valueAt, m.group(1));
          }
        }
      }
      if (nl < 0) {
        break;
      }
      start = nl + 1;
    }
  }

  private static String stripLineComment(String v) {
    int hash = v.indexOf(" #");
    return hash >= 0 ? v.substring(0, hash) : v;
  }

  // ---------------------------------------------------------------- code families

  enum T { IDENT, STRING, OP }

  /** One token; for strings {@code text} is the content and {@code at} the offset of its first character. */
  record Token(T type, String text, int at) {}

  static List<Token> lex(String s, Family family) {
    List<Token> out = new ArrayList<>();
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (family == Family.C_LIKE && c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
        i = lineEnd(s, i);
      } else if (family == Family.C_LIKE && c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int close = s.indexOf("*/", i + 2);
        i = close < 0 ? n : close + 2;
      } else if (c == '#' && (family == Family.PYTHON || isPhpOrShellComment(s, i))) {
        i = lineEnd(s, i);
      } else if (c == '"' || c == '\'' || c == '`') {
        i = string(s, i, c, family, out, false);
      } else if (c == '@' && i + 1 < n && s.charAt(i + 1) == '"' && family == Family.C_LIKE) {
        i = string(s, i + 1, '"', family, out, true); // C# verbatim string: no escapes
      } else if (Character.isJavaIdentifierStart(c)) {
        int j = i + 1;
        while (j < n && Character.isJavaIdentifierPart(s.charAt(j))) {
          j++;
        }
        // Python string prefixes: r"..", b'..', f"..", rb"..", u".."
        if (family == Family.PYTHON && j < n && (s.charAt(j) == '"' || s.charAt(j) == '\'') && j - i <= 2
            && s.substring(i, j).toLowerCase().matches("[rbfu]{1,2}")) {
          i = string(s, j, s.charAt(j), family, out, s.substring(i, j).toLowerCase().contains("r"));
        } else {
          out.add(new Token(T.IDENT, s.substring(i, j), i));
          i = j;
        }
      } else {
        String op = op(s, i);
        out.add(new Token(T.OP, op, i));
        i += op.length();
      }
    }
    return out;
  }

  private static boolean isPhpOrShellComment(String s, int i) {
    return i == 0 || s.charAt(i - 1) == '\n' || (i + 1 < s.length() && s.charAt(i + 1) == '!');
  }

  private static int lineEnd(String s, int i) {
    int nl = s.indexOf('\n', i);
    return nl < 0 ? s.length() : nl;
  }

  private static String op(String s, int i) {
    for (String op : new String[] {":=", "?=", "=>", "==", "!=", "->", "::"}) {
      if (s.startsWith(op, i)) {
        return op;
      }
    }
    return String.valueOf(s.charAt(i));
  }

  private static int string(String s, int open, char q, Family family, List<Token> out, boolean raw) {
    int n = s.length();
    boolean triple = s.startsWith(String.valueOf(q).repeat(3), open) && q != '`';
    int from = open + (triple ? 3 : 1);
    int i = from;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\\' && !raw && q != '`') {
        i += 2;
        continue;
      }
      if (c == q && (!triple || s.startsWith(String.valueOf(q).repeat(3), i))) {
        out.add(new Token(T.STRING, s.substring(from, i), from));
        return i + (triple ? 3 : 1);
      }
      if (c == '\n' && !triple && q != '`') {
        return i; // unterminated on this line: a char literal or a stray quote
      }
      i++;
    }
    return n;
  }

  private void code(SourceText src, List<Token> t) {
    for (int i = 0; i < t.size(); i++) {
      Token tok = t.get(i);
      if (tok.type() != T.STRING) {
        continue;
      }
      Token prev = i >= 1 ? t.get(i - 1) : null;
      if (prev == null) {
        continue;
      }
      if (prev.type() == T.OP && Set.of("=", ":=", ":", "?=", "=>").contains(prev.text()) && i >= 2) {
        String name = nameBefore(t, i - 2, prev.text());
        if (name != null) {
          judge(src, name, tok);
        }
      } else if (prev.type() == T.IDENT && prev.text().equals("to") && i >= 2 && t.get(i - 2).type() == T.STRING) {
        judge(src, t.get(i - 2).text(), tok); // Kotlin mapOf("password" to "...")
      } else if (prev.type() == T.OP && prev.text().equals("(") && i >= 2 && t.get(i - 2).type() == T.IDENT
          && i + 1 < t.size() && t.get(i + 1).text().equals(")") && isCredentialSetter(t.get(i - 2).text())) {
        for (Detection d : detector.scanCredentialArgument(tok.text())) {
          src.report(d, tok.at(), t.get(i - 2).text());
        }
      } else if (prev.type() == T.OP && prev.text().equals(",") && i >= 4 && t.get(i - 2).type() == T.STRING
          && t.get(i - 3).text().equals("(") && t.get(i - 4).type() == T.IDENT) {
        judge(src, t.get(i - 2).text(), tok); // put("password", "..."), setenv("API_KEY", "...")
      }
    }
  }

  /** The name an operator at {@code k + 1} assigns to: the identifier or key before it, skipping a type. */
  private static String nameBefore(List<Token> t, int k, String op) {
    Token before = t.get(k);
    if (before.type() == T.STRING) {
      return op.equals(":") || op.equals("=>") ? before.text() : null;
    }
    if (before.type() != T.IDENT) {
      return null;
    }
    // val apiKey: String = "..." / password string = "..." (Go) / var password = "..."
    if (k >= 2 && t.get(k - 1).text().equals(":") && t.get(k - 2).type() == T.IDENT && !op.equals(":")) {
      return t.get(k - 2).text();
    }
    if (TYPE_WORDS.contains(before.text()) && k >= 1 && t.get(k - 1).type() == T.IDENT) {
      return t.get(k - 1).text();
    }
    return before.text();
  }

  private static boolean isCredentialSetter(String method) {
    if ((method.startsWith("set") || method.startsWith("with")) && method.length() > 4) {
      int cut = method.startsWith("set") ? 3 : 4;
      return Character.isUpperCase(method.charAt(cut)) && Detector.isSecretName(method.substring(cut));
    }
    return false;
  }

  private void judge(SourceText src, String name, Token value) {
    for (Detection d : detector.scanAssignment(name, value.text())) {
      src.report(d, value.at(), name);
    }
  }
}
