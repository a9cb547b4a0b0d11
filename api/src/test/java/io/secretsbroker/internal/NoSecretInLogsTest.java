package io.secretsbroker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.Rotation;
import io.secretsbroker.SecretsClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Runs every logged path of the client with output captured, then looks for the values. */
class NoSecretInLogsTest {
  private static final String V1 = "first-S3cret-value-91";
  private static final String V2 = "second-S3cret-value-92";

  @Test
  void fullRun_capturedLogs_containNoSecretValue() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    List<String> julRecords = new ArrayList<>();
    Handler jul = new Handler() {
      @Override
      public void publish(LogRecord r) {
        julRecords.add(r.getMessage() + " " + r.getThrown());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger.getLogger("").addHandler(jul);
    List<Throwable> thrown = new ArrayList<>();
    PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setErr(tee);
    System.setOut(tee);
    try {
      FakeProvider provider = new FakeProvider();
      MutableClock clock = new MutableClock();
      provider.set("prod/db", "{\"user\":\"app\",\"password\":\"" + V1 + "\"}");
      provider.set("prod/api", V1);
      try (SecretsClient c = SecretsClient.builder().provider(provider).ambientConfiguration(false).clock(clock)
          .executor(Runnable::run).properties(Map.of("secrets.env", "prod", "secrets.allow", "db,api,missing",
              "secrets.retry.initial-backoff", "1ms", "secrets.alias.db", "prod/db#password"))
          .build()) {
        c.onRotate("api", v -> {
          throw new IllegalStateException("listener bug");
        });
        c.get("db");
        c.get("api");
        thrown.add(catchThrowable(() -> c.get("admin")));
        thrown.add(catchThrowable(() -> c.get(V1))); // a value passed as a name: refused, never echoed
        provider.failNext(1, () -> new ProviderUnavailableException("store said: bad credential " + V1));
        thrown.add(catchThrowable(() -> c.get("missing")));
        thrown.add(catchThrowable(() -> c.get("missing")));
        thrown.add(catchThrowable(() -> c.value("db").field("nope")));
        provider.set("prod/api", V2);
        c.refresh("api");
        provider.failAlways(() -> new ProviderUnavailableException("down"));
        clock.advance(Duration.ofMinutes(6));
        c.get("api");
        provider.heal();
        c.rotate("api", Rotation.builder().generator(v -> V2 + "-rotated").build());
        thrown.add(catchThrowable(() -> c.rotate("api", Rotation.builder().verify(v -> {
          throw new IllegalStateException("verifier rejected it");
        }).build())));
        c.values(List.of("db", "api"));
        thrown.add(catchThrowable(() -> c.get("api/../../etc")));
      }
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
      Logger.getLogger("").removeHandler(jul);
    }
    String logs = captured.toString(StandardCharsets.UTF_8) + String.join("\n", julRecords);

    assertThat(logs).containsPattern("Refresh of secrets? .*'api'").contains("event=DENIED name=admin")
        .contains("rotation listener").contains("was never replaced");
    assertThat(logs).doesNotContain(V1).doesNotContain(V2);
    for (Throwable t : thrown) {
      assertThat(t).isNotNull();
      for (Throwable c = t; c != null; c = c.getCause()) {
        assertThat(String.valueOf(c.getMessage())).doesNotContain(V1).doesNotContain(V2);
      }
    }
  }
}
