package io.secretsbroker.guard.scan;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import java.util.Optional;

/**
 * Parses a Java source for {@link JavaAnalyzer}: its skeleton ({@link JavaSkeleton}) when no sink
 * word calls for the whole text, the whole text should the skeleton not parse, and a file that is
 * not a compilation unit as a snippet inside a wrapper class or method.
 *
 * <p>Not thread-safe (one JavaParser instance).
 */
final class JavaSourceParser {
  /** A parsed source; columns on line 1 shift by {@code firstLineShift} when it was wrapped as a snippet. */
  record Parsed(CompilationUnit unit, int firstLineShift) {}

  private final JavaParser parser;

  JavaSourceParser() {
    // RAW: the grammar accepts every Java version; the language-level validators and post-processors
    // would only reject or rewrite code, which a scanner never needs (they cost a third of the parse)
    ParserConfiguration cfg = new ParserConfiguration()
        .setLanguageLevel(ParserConfiguration.LanguageLevel.RAW)
        .setAttributeComments(false);
    this.parser = new JavaParser(cfg);
  }

  /** The parsed text, or empty when none of its literals could be judged or it does not parse even as a snippet. */
  Optional<Parsed> parse(String text, JavaContext.Points points) {
    // a credential sink may take its literal through a name declared elsewhere in the class: such
    // files are parsed whole (the skeleton keeps only statements holding a relevant literal)
    String skeleton = points.sink() ? text : JavaSkeleton.skeletonOrNull(text, points);
    if (skeleton == null) {
      return Optional.empty(); // no literal could be judged: its context words are all in comments or far off
    }
    ParseResult<CompilationUnit> result = parser.parse(skeleton);
    if (!result.isSuccessful() && skeleton != text) {
      result = parser.parse(text); // the blanking should never break a parse; if it does, see all
    }
    int shift = 0;
    if (!result.isSuccessful()) {
      String body = blankImports(text);
      result = parser.parse(SNIPPET_CLASS + body + "\n}");
      shift = SNIPPET_CLASS.length();
      if (!result.isSuccessful()) {
        result = parser.parse(SNIPPET_METHOD + body + "\n}}");
        shift = SNIPPET_METHOD.length();
      }
    }
    Optional<CompilationUnit> cu = result.getResult();
    if (cu.isEmpty() || !result.isSuccessful()) {
      return Optional.empty();
    }
    return Optional.of(new Parsed(cu.get(), shift));
  }

  private static final String SNIPPET_CLASS = "class GuardSnippet$ { ";
  private static final String SNIPPET_METHOD = "class GuardSnippet$ { void snippet$() throws Exception { ";

  /*
   * A file that is not a compilation unit (a documentation snippet, a gist, a JShell script): its
   * field declarations and methods parse inside a class, its statements inside a method. Leading
   * import and package lines are blanked first (positions kept).
   */
  private static String blankImports(String text) {
    StringBuilder sb = new StringBuilder(text);
    int i = 0;
    while (i < sb.length()) {
      int end = sb.indexOf("\n", i);
      if (end < 0) {
        end = sb.length();
      }
      String line = sb.substring(i, end).strip();
      if (line.startsWith("import ") || line.startsWith("package ")) {
        for (int k = i; k < end; k++) {
          sb.setCharAt(k, ' ');
        }
      } else if (!line.isEmpty() && !line.startsWith("//")) {
        break;
      }
      i = end + 1;
    }
    return sb.toString();
  }
}
