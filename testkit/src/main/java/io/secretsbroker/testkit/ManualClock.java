package io.secretsbroker.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock a test moves by hand, for refresh, expiry and throttle tests that must not sleep: give
 * it to {@code SecretsClient.builder().clock(...)} and {@link InMemorySecretProvider#clock}, then
 * {@link #advance} it past {@code secrets.cache.refresh-after}.
 *
 * <p>Thread-safe: reads and moves are atomic. It never moves by itself. Its zone is UTC.
 */
public final class ManualClock extends Clock {
  private final AtomicReference<Instant> now;

  /** A clock standing at {@code 2030-01-01T00:00:00Z}. */
  public ManualClock() {
    this(Instant.parse("2030-01-01T00:00:00Z"));
  }

  public ManualClock(Instant start) {
    now = new AtomicReference<>(start);
  }

  /** Moves the clock forward (or back, with a negative duration) and returns the new time. */
  public Instant advance(Duration by) {
    return now.updateAndGet(t -> t.plus(by));
  }

  /** Sets the time. */
  public void set(Instant instant) {
    now.set(instant);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock (it is always UTC). */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public String toString() {
    return "ManualClock[" + now.get() + "]";
  }
}
