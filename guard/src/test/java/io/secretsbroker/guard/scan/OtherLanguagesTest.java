package io.secretsbroker.guard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.secretsbroker.guard.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Assignment-shaped rules per language family, and what each family's lexer keeps out (comments, types). */
class OtherLanguagesTest {
  private static final String PW = CorpusTokens.token("pw", 21);

  @TempDir
  Path dir;

  private List<Finding> scan(String fileName, String text) throws IOException {
    Path sub = Files.createDirectories(dir.resolve("s" + Math.abs((fileName + text).hashCode())));
    Files.writeString(sub.resolve(fileName), text);
    return Scanner.create(List.of(), null).scan(List.of(sub)).findings();
  }

  private List<String> subjects(String fileName, String text) throws IOException {
    return scan(fileName, text).stream().map(Finding::subject).toList();
  }

  @Test
  void eachFamily_assignmentShapes_found() throws IOException {
    assertThat(subjects("deploy.py", "import os\napi_key = \"" + PW + "\"\nclient = Client(password=r'" + PW + "x')\n"))
        .containsExactly("api_key", "password");
    assertThat(subjects("main.go", "package main\nconst dbPassword = `" + PW + "`\nvar token string = \"" + PW + "y\"\n"
        + "cfg := Config{APIKey: \"" + PW + "z\"}\n")).containsExactly("dbPassword", "token", "APIKey");
    assertThat(subjects("App.kt", "val apiToken: String = \"" + PW + "\"\nval m = mapOf(\"password\" to \"" + PW + "q\")\n"))
        .containsExactly("apiToken", "password");
    assertThat(subjects("Startup.cs", "var cs = new Options { ClientSecret = @\"" + PW + "\" };\n"))
        .containsExactly("ClientSecret");
    assertThat(subjects("config.ts", "export const config = {\n  apiKey: '" + PW + "',\n};\n")).containsExactly("apiKey");
    assertThat(subjects("build.gradle", "credentials {\n  password = \"" + PW + "\"\n}\n")).containsExactly("password");
    assertThat(subjects("Makefile", "DB_PASSWORD ?= " + PW + "\nexport API_TOKEN := " + PW + "w\n"))
        .containsExactly("DB_PASSWORD", "API_TOKEN");
    assertThat(subjects("notes.txt", "Staging box\napi_key = " + PW + "\n")).containsExactly("api_key");
  }

  @Test
  void gradleGroovyCode_isNotReadAsProperties() throws IOException {
    assertThat(scan("build.gradle", "def hasAccessKey = providers.environmentVariable('OSSRH_ACCESS_KEY').isPresent()\n"
        + "def signingPassword = findProperty('signingPassword')\n")).isEmpty();
  }

  @Test
  void commentsAndReferences_notFindings() throws IOException {
    assertThat(scan("a.py", "# api_key = \"" + PW + "\"\napi_key = os.environ[\"API_KEY\"]\n")).isEmpty();
    assertThat(scan("a.js", "// const apiKey = '" + PW + "';\nconst apiKey = process.env.API_KEY;\n")).isEmpty();
    assertThat(scan("a.go", "/* password := \"" + PW + "\" */\npassword := os.Getenv(\"DB_PASSWORD\")\n")).isEmpty();
    assertThat(scan("a.ts", "const token = `${process.env.TOKEN}`;\n")).isEmpty();
  }

  @Test
  void credentialSetterInKotlinOrGroovy_shortPasswordReported() throws IOException {
    assertThat(scan("Db.kt", "ds.setPassword(\"oups\")\n")).extracting(Finding::ruleId) // secrets-guard:allow the fake the test judges
        .containsExactly("hardcoded-credential");
  }
}
