package io.secretsbroker.examples.localdemo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the demo's main in its own JVM (as the README command does) and reads everything it
 * printed, logs included.
 */
class DemoRunnerTest {

  @Test
  void main_fullRun_narratesEveryPhaseWithoutFailuresOrRawValues(@TempDir Path dir) throws Exception {
    Process p = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        DemoRunner.class.getName(), dir.toString()))
        .redirectErrorStream(true)
        .start();
    p.getOutputStream().close();
    boolean finished = p.waitFor(60, TimeUnit.SECONDS);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!finished) {
      p.destroyForcibly();
    }
    assertThat(finished).as("demo finished; output so far:%n%s", output).isTrue();
    assertThat(p.exitValue()).as(output).isZero();

    assertThat(output)
        .contains("(cold load)")
        .contains("(cache hit)")
        .containsPattern("onRotate listener: \"db\" has a new version \\S+, seen by a background refresh")
        .contains("<- new password in use")
        .contains("rotation picked up without a restart; 0 failed invocations during it")
        .containsPattern("the last good version was served from cache [1-9]\\d* times; 0 failed invocations")
        .contains("fresh values again")
        .contains("6. Final stats()")
        .containsPattern("Done in [\\d.]+ s: \\d+ invocations, 0 failed\\.")
        .doesNotContainPattern("req-\\d+\\s+FAILED"); // no failed invocation (audit lines may say outcome=FAILED)
    assertThat(output).contains("password=**** version=").doesNotContainPattern("password=\\w");
    assertThat(output).as("raw secret values never printed")
        .doesNotContain(DemoRunner.FIRST_PASSWORD)
        .doesNotContain(DemoRunner.SECOND_PASSWORD)
        .doesNotContain(DemoRunner.FIRST_PASSWORD.substring(0, 6))
        .doesNotContain(DemoRunner.SECOND_PASSWORD.substring(0, 6));
    assertThat(dir.resolve("dev-secrets.json").toFile()).isFile();
  }
}
