package io.secretsbroker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.internal.client.DefaultSecretsClient;
import io.secretsbroker.spi.AuditEvent;
import io.secretsbroker.spi.CallTimeout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 17, freeze and thaw: a refresh whose provider call spanned a freeze (the fake ticker is
 * moved inside the call, as a Lambda freeze moves the monotonic clock) is retried at once, not
 * counted as an outage; a failure within the call timeout still is one.
 */
class FreezeRetryTest {
  private static final Executor DIRECT = Runnable::run;
  private static final String FREEZE_DETAIL = "freeze retry";
  private final FakeProvider provider = new FakeProvider();
  private final MutableClock clock = new MutableClock();
  private final RecordingSink audit = new RecordingSink(false);
  private SecretsClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private SecretsClient client(String... keyValues) {
    client = TestClients.builder(provider, clock, DIRECT, keyValues).auditSink(audit)
        .property("secrets.provider.call-timeout", "10s").build();
    return client;
  }

  /** A failure raised after the call spanned {@code spanned} of monotonic time. */
  private Supplier<RuntimeException> failingAfter(Duration spanned) {
    return () -> {
      clock.advance(spanned);
      return new ProviderUnavailableException("connection reset by peer");
    };
  }

  private List<AuditEvent> freezeRetries() {
    return audit.of(AuditEvent.Type.PROVIDER_FAILURE).stream()
        .filter(e -> e.detail() != null && e.detail().startsWith(FREEZE_DETAIL)).toList();
  }

  @Test
  void refresh_failingAfterSpanningAFreeze_isRetriedAtOnce_andServesTheNewVersion() {
    provider.set("db", "first-value");
    SecretsClient c = client("secrets.retry.max-attempts", "1");
    assertThat(c.get("db")).isEqualTo("first-value");
    provider.set("db", "second-value");
    clock.advance(Duration.ofMinutes(6)); // due
    provider.failNext(1, failingAfter(Duration.ofMinutes(15))); // frozen 15 min mid-call, then reset

    assertThat(c.get("db")).isEqualTo("first-value"); // this hit starts the refresh (direct executor)
    assertThat(provider.fetches).hasValue(3); // load, frozen refresh, its immediate retry
    assertThat(c.get("db")).isEqualTo("second-value");
    assertThat(c.stats().staleServed()).isZero();
    assertThat(freezeRetries()).hasSize(1);
    assertThat(freezeRetries().get(0).name()).isEqualTo("db");
    assertThat(audit.events.toString()).doesNotContain("first-value").doesNotContain("second-value");
  }

  @Test
  void refresh_failingWithinTheCallTimeout_isAnOutage_staleAndBackingOff() {
    provider.set("db", "first-value");
    SecretsClient c = client("secrets.retry.max-attempts", "1");
    c.get("db");
    clock.advance(Duration.ofMinutes(6));
    provider.failNext(1, failingAfter(Duration.ofSeconds(15))); // 1.5x the timeout: slow store, no freeze

    c.get("db");
    assertThat(provider.fetches).hasValue(2); // no immediate retry
    assertThat(c.get("db")).isEqualTo("first-value");
    assertThat(c.stats().staleServed()).isPositive();
    assertThat(provider.fetches).hasValue(2); // backing off
    assertThat(freezeRetries()).isEmpty();
  }

  @Test
  void refresh_frozenTwiceInARow_isRetriedOnlyOnce_thenStale() {
    provider.set("db", "first-value");
    SecretsClient c = client("secrets.retry.max-attempts", "1");
    c.get("db");
    clock.advance(Duration.ofMinutes(6));
    provider.failNext(2, failingAfter(Duration.ofMinutes(15)));

    c.get("db");
    assertThat(provider.fetches).hasValue(3);
    assertThat(c.get("db")).isEqualTo("first-value");
    assertThat(c.stats().staleServed()).isPositive();
    assertThat(freezeRetries()).hasSize(1);
  }

  @Test
  void batchRefresh_failingAfterSpanningAFreeze_isRetriedAtOnce() {
    provider.set("s0", "value-0");
    provider.set("s1", "value-1");
    SecretsClient c = client("secrets.retry.max-attempts", "1", "secrets.prefetch", "s0,s1");
    provider.set("s1", "value-1b");
    clock.advance(Duration.ofMinutes(6));
    provider.failNext(1, failingAfter(Duration.ofMinutes(15)));

    c.get("s0"); // starts one batch refresh of both
    assertThat(provider.fetchAlls).hasValue(3); // prefetch, frozen batch, its retry
    assertThat(c.get("s1")).isEqualTo("value-1b");
    assertThat(c.stats().staleServed()).isZero();
    assertThat(freezeRetries()).extracting(AuditEvent::name).containsExactlyInAnyOrder("s0", "s1");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void frozenAttempts_areRetriedWithoutBackoff_andNotCountedByTheBreaker() {
    provider.set("db", "first-value");
    // a back-off of 10 minutes: were a frozen attempt retried after it, this test would time out
    SecretsClient c = client("secrets.retry.initial-backoff", "10m", "secrets.retry.max-attempts", "3",
        "secrets.breaker.window", "2", "secrets.breaker.failure-rate", "50");
    provider.failNext(2, failingAfter(Duration.ofMinutes(15)));

    assertThat(c.get("db")).isEqualTo("first-value"); // cold read: two frozen attempts, then the value
    assertThat(provider.fetches).hasValue(3);
    assertThat(((DefaultSecretsClient) c).breakerState()).isEqualTo("CLOSED");
  }

  @Test
  void attemptsFailingWithinTheTimeout_areCountedByTheBreaker() {
    provider.set("db", "first-value");
    SecretsClient c = client("secrets.retry.max-attempts", "1", "secrets.breaker.window", "2",
        "secrets.breaker.failure-rate", "50");
    provider.failNext(2, failingAfter(Duration.ofSeconds(5)));
    assertThatThrownBy(() -> c.get("db")).isInstanceOf(ProviderUnavailableException.class);
    assertThatThrownBy(() -> c.get("db")).isInstanceOf(ProviderUnavailableException.class);
    assertThat(((DefaultSecretsClient) c).breakerState()).isEqualTo("OPEN");
  }

  @Test
  void callTimeout_defaultShortFormsAndIso() {
    assertThat(CallTimeout.from(Map.of())).isEqualTo(Duration.ofSeconds(10));
    assertThat(CallTimeout.from(Map.of(CallTimeout.KEY, "500ms"))).isEqualTo(Duration.ofMillis(500));
    assertThat(CallTimeout.from(Map.of(CallTimeout.KEY, "3s"))).isEqualTo(Duration.ofSeconds(3));
    assertThat(CallTimeout.from(Map.of(CallTimeout.KEY, "2m"))).isEqualTo(Duration.ofMinutes(2));
    assertThat(CallTimeout.from(Map.of(CallTimeout.KEY, "PT20S"))).isEqualTo(Duration.ofSeconds(20));
    assertThat(CallTimeout.freezeThresholdNanos(Duration.ofSeconds(10))).isEqualTo(20_000_000_000L);
    assertThat(Settings.knownKeys()).contains(CallTimeout.KEY);
  }

  @Test
  void callTimeout_malformedOrOutOfRange_failsTheBuildWithWhatToDo() {
    assertThatThrownBy(() -> CallTimeout.from(Map.of(CallTimeout.KEY, "soon")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("is not a duration");
    assertThatThrownBy(() -> CallTimeout.from(Map.of(CallTimeout.KEY, "10ms")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("from 100 ms to 10 minutes");
    assertThatThrownBy(() -> CallTimeout.from(Map.of(CallTimeout.KEY, "PT1H")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("out of range");
    assertThatThrownBy(() -> CallTimeout.from(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("settings");
    assertThatThrownBy(() -> TestClients.builder(provider, clock, DIRECT, "secrets.provider.call-timeout", "0s")
        .build()).isInstanceOf(ConfigurationException.class).hasMessageContaining(CallTimeout.KEY);
  }
}
