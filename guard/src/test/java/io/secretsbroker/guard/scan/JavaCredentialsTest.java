package io.secretsbroker.guard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.secretsbroker.guard.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java-aware rules of issue 15: snippets, credential sinks, data flow within a class. */
class JavaCredentialsTest {
  private static final String PW = CorpusTokens.token("pw", 11);

  @TempDir
  Path dir;

  private List<Finding> scan(String fileName, String text) throws IOException {
    Path sub = Files.createDirectories(dir.resolve("s" + Math.abs((fileName + text).hashCode())));
    Files.writeString(sub.resolve(fileName), text);
    return Scanner.create(List.of(), null).scan(List.of(sub)).findings();
  }

  private List<String> rules(String text) throws IOException {
    return scan("Snippet.java", text).stream().map(Finding::ruleId).toList();
  }

  @Test
  void snippet_fieldDeclarationWithoutClass_judged() throws IOException {
    List<Finding> found = scan("Snippet.java", "private static final String planetScaleToken = \"" + PW + "\";\n");
    assertThat(found).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("generic-secret");
      assertThat(f.line()).isEqualTo(1);
      assertThat(f.column()).isEqualTo(49); // the value, after the quote
    });
  }

  @Test
  void snippet_statementsWithImports_judged() throws IOException {
    assertThat(rules("import java.sql.*;\n\nConnection c = DriverManager.getConnection(url, \"app\", \"oups\");\n"))
        .containsExactly("hardcoded-credential");
    assertThat(rules("String apiToken2 = \"" + PW + "\";\nclient.call(apiToken2);\n")).contains("generic-secret");
  }

  @Test
  void sinks_theIssueLists_eachReported() throws IOException {
    String[] calls = {
        "request.login(\"admin\", \"" + PW + "\");",
        "keyStore.load(in, \"" + PW + "\".toCharArray());",
        "KeySpec spec = new PBEKeySpec(\"" + PW + "\".toCharArray(), salt, 65536, 256);",
        "PasswordEncoder enc = new Pbkdf2PasswordEncoder(\"" + PW + "\", 16, 310000, 256);",
        "Algorithm alg = Algorithm.HMAC256(\"" + PW + "\");",
        "Key k = Keys.hmacShaKeyFor(\"" + PW + "\".getBytes());",
        "Mac mac = HmacUtils.getInitializedMac(\"HmacSHA256\", key);",
        "Connection c = DriverManager.getConnection(url, user, \"" + PW + "\");",
        "session.setPassword(\"" + PW + "\");",
        "return new PasswordAuthentication(\"svc\", \"" + PW + "\".toCharArray());",
    };
    for (String call : calls) {
      List<String> found = rules("class A { Object m() throws Exception { " + call + " return null; } }\n");
      if (call.contains("getInitializedMac")) {
        assertThat(found).as(call).isEmpty(); // no literal at all
      } else {
        assertThat(found).as(call).containsExactly("hardcoded-credential");
      }
    }
  }

  @Test
  void dataFlow_literalReachesSinkThroughLocalFieldOrConstant_reportedAtTheLiteral() throws IOException {
    List<Finding> viaConstant = scan("A.java", "class A {\n  private static final String KS = \"oups\";\n"
        + "  void m(KeyStore ks, InputStream in) throws Exception { ks.load(in, KS.toCharArray()); }\n}\n");
    assertThat(viaConstant).extracting(Finding::ruleId).containsExactly("hardcoded-credential");
    assertThat(viaConstant.get(0).line()).isEqualTo(2);

    List<Finding> viaLocal = scan("B.java", "class B {\n  Connection m(String url) throws Exception {\n"
        + "    String user = \"app\";\n    String p = \"" + PW + "\";\n"
        + "    return DriverManager.getConnection(url, user, p);\n  }\n}\n");
    assertThat(viaLocal).extracting(Finding::ruleId).containsExactly("hardcoded-credential");
    assertThat(viaLocal.get(0).line()).isEqualTo(4);

    // a name declared twice is ambiguous: no guess
    assertThat(scan("C.java", "class C {\n  void a() { String p = \"" + PW + "\"; use(p); }\n"
        + "  void b(String url) throws Exception { String p = url; DriverManager.getConnection(url, \"u\", p); }\n}\n"))
        .isEmpty();
  }

  @Test
  void placeholdersAtSinks_notReported() throws IOException {
    assertThat(rules("class A { void m() { session.setPassword(\"${SSH_PASSWORD}\"); ks.load(in, \"\".toCharArray()); } }"))
        .isEmpty();
  }

  @Test
  void realTreeShapes_fromTheJdksSources_notReported() throws IOException {
    // shapes the JDK's own sources hold: a character-set constant, the platform's JSSE settings
    assertThat(rules("class U {\n  static final String allowedTokenChars = \"!#$%&'*+-.^_`|~0123456789abcdefghijk\";\n}\n"))
        .isEmpty();
    assertThat(rules("class T {\n  String p() { return System.getProperty(\"javax.net.ssl.trustStorePassword\"); }\n}\n"))
        .isEmpty();
    assertThat(rules("class T {\n  String p() { return System.getProperty(\"app.db.password\"); }\n}\n"))
        .containsExactly("java-property-secret-read");
  }

  @Test
  void copiesAndCaseChangesOfALiteral_atASink_reported() throws IOException {
    assertThat(rules("request.login(\"svc\", new String(\"" + PW + "\"));\n")).containsExactly("hardcoded-credential");
    assertThat(rules("class K {\n  static final String P = \"" + PW + "\";\n"
        + "  KeySpec k() { return new PBEKeySpec(P.toUpperCase().toCharArray()); }\n}\n"))
        .containsExactly("hardcoded-credential");
    assertThat(rules("class K {\n  String p = new String(\"" + PW + "\");\n"
        + "  void m() throws Exception { request.login(\"svc\", p); }\n}\n")).containsExactly("hardcoded-credential");
    assertThat(rules("class K {\n  void m(String in) throws Exception { request.login(\"svc\", new String(in)); }\n}\n"))
        .isEmpty();
  }

  @Test
  void weakPassword_atAClearSink_reported_underASetterNameOnly_not() throws IOException {
    assertThat(rules("request.login(\"ops\", \"password\");\n")).containsExactly("hardcoded-credential"); // secrets-guard:allow weak value the rule under test must judge
    assertThat(rules("Connection c = DriverManager.getConnection(url, \"sa\", \"admin\");\n")) // secrets-guard:allow weak value the rule under test must judge
        .containsExactly("hardcoded-credential");
    assertThat(rules("Fields f = Fields.defaults().username(\"user\").password(\"pass\");\n")).isEmpty();
  }

  @Test
  void charArrayLocalFromALiteral_passedToAKeyStore_reported() throws IOException {
    assertThat(rules("class K {\n  KeyStore open(InputStream in) throws Exception {\n"
        + "    char[] material = \"" + PW + "\".toCharArray();\n    KeyStore ks = KeyStore.getInstance(\"PKCS12\");\n"
        + "    ks.load(in, material);\n    return ks;\n  }\n}\n")).containsExactly("hardcoded-credential");
    assertThat(rules("class K {\n  KeyStore open(InputStream in, char[] storePass) throws Exception {\n"
        + "    KeyStore ks = KeyStore.getInstance(\"PKCS12\");\n    ks.load(in, storePass);\n    return ks;\n  }\n}\n"))
        .isEmpty();
  }
}
