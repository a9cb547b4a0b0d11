package io.secretsbroker.examples.localdemo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbDemoTest {

  @Test
  void dbRun_rotatesThreeTimesMidTraffic_withoutAFailedInvocation(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DbDemo.Summary s = DbDemo.run(dir, new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(s.failures()).as(out).isZero();
    assertThat(s.rotations()).isEqualTo(3);
    assertThat(s.logins()).containsExactly("orders_app", "orders_app_clone", "orders_app");
    assertThat(s.invocations()).isGreaterThan(12);
    assertThat(out).contains("0 failed invocations during it").doesNotContain("FAILED");
  }
}
