package io.secretsbroker.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.secretsbroker.SecretsClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's tools together, as docs/testing.md shows them: a held provider and a manual clock. */
class NonBlockingRefreshTest {
  static final ManualClock clock = new ManualClock();

  @RegisterExtension
  static SecretsExtension secrets = SecretsExtension.builder()
      .secret("db", "old")
      .property("secrets.cache.refresh-after", "5m")
      .configureClient(b -> b.clock(clock))
      .build();

  @Test
  void get_pastRefreshAfterWhileProviderHeld_returnsCachedValueAtOnce(SecretsClient client,
      InMemorySecretProvider provider) throws Exception {
    assertThat(client.get("db")).isEqualTo("old");
    provider.seed("db", "new");
    CountDownLatch rotated = new CountDownLatch(1);
    AtomicReference<String> announced = new AtomicReference<>();
    client.onRotate("db", v -> {
      announced.set(v.asString());
      rotated.countDown();
    });

    try (FetchHold hold = provider.holdFetches()) {
      clock.advance(Duration.ofMinutes(6)); // past refresh-after, jitter included
      String value = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> client.get("db"));

      assertThat(value).isEqualTo("old");
      assertThat(hold.awaitBlocked(1, Duration.ofSeconds(10))).isTrue(); // the background refresh
    }

    assertThat(rotated.await(10, TimeUnit.SECONDS)).isTrue(); // the released refresh completed
    assertThat(announced.get()).isEqualTo("new");
    assertThat(provider.fetchCount("db")).isEqualTo(2);
  }
}
