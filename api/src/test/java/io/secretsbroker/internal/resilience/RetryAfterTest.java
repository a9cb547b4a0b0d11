package io.secretsbroker.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.functions.Either;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.internal.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The portable retry honours a driver's Retry-After hint (drivers no longer sleep themselves). */
class RetryAfterTest {
  private final IntervalBiFunction<Object> interval = Resilience.interval(attempt -> 7L);

  @Test
  void interval_noHint_isTheBackoff() {
    assertThat(interval.apply(1, Either.left(new ProviderUnavailableException("down")))).isEqualTo(7L);
  }

  @Test
  void interval_hintLongerThanBackoff_waitsTheHint() {
    ProviderUnavailableException throttled = new ProviderUnavailableException("429", null, Duration.ofSeconds(3));
    assertThat(interval.apply(1, Either.left(throttled))).isEqualTo(3000L);
  }

  @Test
  void interval_hugeHint_isCapped() {
    ProviderUnavailableException throttled = new ProviderUnavailableException("429", null, Duration.ofHours(1));
    assertThat(interval.apply(2, Either.left(throttled)))
        .isEqualTo(ProviderUnavailableException.MAX_HONOURED_RETRY_AFTER.toMillis());
  }

  @Test
  void read_throttledOnceWithHint_retriesAfterAtLeastTheHint() {
    Resilience r = new Resilience("fake", Settings.of(Map.of("secrets.retry.initial-backoff", "1ms",
        "secrets.retry.max-attempts", "2")), Clock.systemUTC());
    AtomicInteger calls = new AtomicInteger();
    long start = System.nanoTime();

    String v = r.read(() -> {
      if (calls.incrementAndGet() == 1) {
        throw new ProviderUnavailableException("throttled", null, Duration.ofMillis(250));
      }
      return "ok";
    });

    assertThat(v).isEqualTo("ok");
    assertThat(calls).hasValue(2);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
  }
}
