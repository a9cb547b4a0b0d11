package io.secretsbroker.guard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParserConfiguration;
import org.junit.jupiter.api.Test;

class JavaSkeletonTest {
  private static String blank(String text) {
    String out = JavaSkeleton.blank(text, JavaContext.contextPoints(text));
    String[] before = text.split("\n", -1);
    String[] after = out.split("\n", -1);
    assertThat(after).hasSameSizeAs(before);
    for (int i = 0; i < before.length; i++) {
      for (int col = 0; col < after[i].length(); col++) {
        if (!Character.isWhitespace(after[i].charAt(col))) {
          // every kept character keeps its line and column
          assertThat(col).as("line %d", i + 1).isLessThan(before[i].length());
          assertThat(after[i].charAt(col)).as("line %d column %d", i + 1, col + 1).isEqualTo(before[i].charAt(col));
        }
      }
    }
    return out;
  }

  @Test
  void blank_methodsWithoutContextWords_bodiesBlankedLinesKept() {
    String text = "class A {\n  int f() {\n\treturn helper(\"x\");\n  }\n  String password = \"v\";\n"
        + "  void g() { run(() -> { log(\"y\"); }); }\n}\n";
    String out = blank(text);
    assertThat(out).contains("String password = \"v\";", "void g() {")
        .doesNotContain("helper", "run(", "log(");
    assertThat(out.split("\n")[4]).isEqualTo("  String password = \"v\";");
  }

  @Test
  void blank_secretNamedGetter_bodyAndNestedLambdaKept() {
    String text = "class A {\n  String getApiKey() {\n    return cache.get(k, x -> { return \"v\"; });\n  }\n"
        + "  int size() { return 1; }\n}\n";
    String out = blank(text);
    assertThat(out).contains("return cache.get(k, x -> { return \"v\"; });").doesNotContain("return 1");
  }

  @Test
  void blank_secretNamedClass_methodBodiesStillBlankedButGetterKept() {
    String text = "class SecretStore implements TokenSource {\n  int size() { return helper(1); }\n"
        + "  String getToken() throws java.io.IOException {\n    if (ok) { return \"v\"; }\n    return null;\n  }\n}\n";
    String out = blank(text);
    assertThat(out).contains("class SecretStore implements TokenSource {", "if (ok) { return \"v\"; }")
        .doesNotContain("helper");
  }

  @Test
  void blank_contextWordOnlyInComments_methodBlanked() {
    String text = "class A {\n  /** Rotates the secret. */\n  void rotate() {\n    // the token stays\n    run(\"x\");\n  }\n"
        + "  String password;\n}\n";
    assertThat(blank(text)).doesNotContain("run(");
  }

  @Test
  void blank_concatenatedLiterals_blockKept() {
    String text = "class A {\n  void f() { String k = \"AK\" + \"IA\"; }\n  String token;\n}\n";
    assertThat(blank(text)).contains("\"AK\" + \"IA\"");
  }

  @Test
  void blank_bracesInLiteralsAndComments_ignored() {
    String text = "class A {\n  char c = '{';\n  String s = \"}{\";\n  // }\n  /* { */\n  String t = \"\"\"\n   }\"\n   \"\"\";\n"
        + "  void f() { g('}'); }\n  String secret = \"v\";\n}\n";
    String out = blank(text);
    assertThat(out).contains("void f() {", "String secret = \"v\";").doesNotContain("g('}')", "\"}{\"", "'{'");
  }

  @Test
  void blank_contextWordsWithoutLiterals_blockEmptied() {
    String text = "class A {\n  void setToken(String token) {\n    this.token = token.strip();\n  }\n"
        + "  void connect() {\n    props.setProperty(\"password\",\n        \"v\");\n  }\n}\n";
    assertThat(blank(text)).doesNotContain("strip").contains("props.setProperty(\"password\",\n        \"v\");");
  }

  @Test
  void blank_literalAfterNestedBlockInItsStatement_statementReachesTheKey() {
    String text = "class A {\n  void f() {\n    map.put(\"password\", pick(() -> { return 1; }), \"v\");\n"
        + "    other(\"w\");\n  }\n}\n";
    assertThat(blank(text)).contains("map.put(\"password\"", "\"v\");");
  }

  @Test
  void blank_statementsWithoutRelevantLiterals_droppedAndSkeletonStillParses() {
    String text = "class A {\n  void f(int x) {\n    if (x > 0) run(\"a\"); else run(\"b\");\n"
        + "    for (int i = 0; i < size(\"c\"); i++) log(\"d\");\n    switch (x) {\n      case 1: log(\"e\"); break;\n"
        + "      default: log(\"f\");\n    }\n    do log(\"g\"); while (x-- > 0);\n    String pw = \"v\";\n  }\n"
        + "  enum E { A, B; }\n  String token;\n}\n";
    String out = blank(text);
    assertThat(out).contains("String pw = \"v\";", "do log(\"g\"); while (x-- > 0);").doesNotContain("\"b\"", "\"e\"");
    ParserConfiguration raw = new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.RAW);
    assertThat(new JavaParser(raw).parse(out).isSuccessful()).as(out).isTrue();
  }

  @Test
  void blank_unbalancedBracesOrUnterminatedComment_textUnchanged() {
    String unbalanced = "class A {\n  void f() { run(); }\n  String secret;\n";
    String comment = "class A {\n  void f() { run(); }\n  String secret; /* open\n}\n";
    assertThat(JavaSkeleton.blank(unbalanced, JavaContext.contextPoints(unbalanced))).isSameAs(unbalanced);
    assertThat(JavaSkeleton.blank(comment, JavaContext.contextPoints(comment))).isSameAs(comment);
  }

  @Test
  void skeletonOrNull_noRelevantLiteral_nullSoTheFileIsNotParsed() {
    // the context words stand only in comments and in a statement without a literal
    String quiet = "/** Passes the token on. */\nclass A {\n  // password handling\n  String token;\n"
        + "  String f() { return \"plain\"; }\n}\n";
    String relevant = "class A {\n  String f() { return \"plain\"; }\n  String password = \"v\";\n}\n";
    String unbalanced = "class A {\n  String password = \"v\";\n";
    assertThat(JavaSkeleton.skeletonOrNull(quiet, JavaContext.contextPoints(quiet))).isNull();
    assertThat(JavaSkeleton.blank(quiet, JavaContext.contextPoints(quiet))).isNotNull();
    assertThat(JavaSkeleton.skeletonOrNull(relevant, JavaContext.contextPoints(relevant)))
        .isEqualTo(JavaSkeleton.blank(relevant, JavaContext.contextPoints(relevant))).contains("password = \"v\"");
    assertThat(JavaSkeleton.skeletonOrNull(unbalanced, JavaContext.contextPoints(unbalanced))).isSameAs(unbalanced);
  }

  @Test
  void contextPoints_sinkWordsFoundInTheSamePass() {
    String sink = "class A { Connection c() throws Exception { return DriverManager.getConnection(u, n, PW); } }";
    String noSink = "class A { String password; }";
    assertThat(JavaContext.contextPoints(sink).sink()).isTrue();
    assertThat(JavaContext.contextPoints(noSink).sink()).isFalse();
    assertThat(JavaContext.contextPoints(noSink).words()).isNotEmpty();
  }
}
