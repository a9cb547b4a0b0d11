package io.secretsbroker.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.internal.Settings;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Cold start: Resilience4j is built on the first transient failure only, and that failure counts
 * as the first attempt of the retry and the first failure of the breaker.
 */
class LazyResilienceTest {
  private static Resilience resilience(String... keyValues) {
    Map<String, String> m = new java.util.HashMap<>(Map.of("secrets.retry.initial-backoff", "1ms"));
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return new Resilience("fake", Settings.of(m), Clock.systemUTC());
  }

  @Test
  void successesAndNonTransientFailures_buildNothing() {
    Resilience r = resilience();
    assertThat(r.read(() -> "ok")).isEqualTo("ok");
    assertThat(r.write(() -> "ok")).isEqualTo("ok");
    assertThatThrownBy(() -> r.read(() -> {
      throw new SecretNotFoundException("no such secret");
    })).isInstanceOf(SecretNotFoundException.class);
    assertThat(r.built()).isFalse();
    assertThat(r.breakerState()).isEqualTo("CLOSED");
  }

  @Test
  void firstTransientFailure_buildsIt_andCountsAsTheFirstAttempt() {
    Resilience r = resilience("secrets.retry.max-attempts", "3");
    AtomicInteger calls = new AtomicInteger();
    assertThat(r.read(() -> {
      if (calls.incrementAndGet() < 3) {
        throw new ProviderUnavailableException("down");
      }
      return "ok";
    })).isEqualTo("ok");
    assertThat(calls).hasValue(3); // 3 attempts in all, not 1 + 3
    assertThat(r.built()).isTrue();
  }

  @Test
  void firstTransientFailures_areCountedByTheBreaker_readAndWrite() {
    Resilience r = resilience("secrets.retry.max-attempts", "1", "secrets.breaker.window", "2");
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> r.write(() -> {
      calls.incrementAndGet();
      throw new ProviderUnavailableException("down");
    })).isInstanceOf(ProviderUnavailableException.class).hasMessage("down");
    assertThat(calls).hasValue(1); // a write is never called twice
    assertThatThrownBy(() -> r.read(() -> {
      calls.incrementAndGet();
      throw new ProviderUnavailableException("down");
    })).isInstanceOf(ProviderUnavailableException.class);
    assertThat(calls).hasValue(2);
    assertThat(r.breakerState()).isEqualTo("OPEN");
    assertThatThrownBy(() -> r.read(() -> "ok")).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("circuit breaker is open");
  }
}
