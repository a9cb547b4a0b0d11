package io.secretsbroker.testkit;

import io.secretsbroker.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A wall clock and a monotonic {@link Ticker} a test moves by hand, for refresh, expiry and
 * throttle tests that must not sleep: give it to {@code SecretsClient.builder().clock(...)} (a
 * clock that is a ticker is used as both) and {@link InMemorySecretProvider#clock}, then
 * {@link #advance} it past {@code secrets.cache.refresh-after}.
 *
 * <p>{@link #advance} is time passing: wall time and the ticker move together. {@link #set} is a
 * step of the wall clock only (NTP, a resumed VM): the ticker, and so every cache deadline, stays
 * where it is, as on a real machine.
 *
 * <p>Thread-safe: reads and moves are atomic. It never moves by itself. Its zone is UTC.
 */
public final class ManualClock extends Clock implements Ticker {
  private final AtomicReference<Instant> now;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  /** A clock standing at {@code 2030-01-01T00:00:00Z}. */
  public ManualClock() {
    this(Instant.parse("2030-01-01T00:00:00Z"));
  }

  public ManualClock(Instant start) {
    now = new AtomicReference<>(start);
  }

  /**
   * Lets time pass: moves the wall clock and the ticker forward and returns the new wall time.
   *
   * @throws IllegalArgumentException for a negative duration (a ticker never goes back; use
   *     {@link #set} to step the wall clock back)
   */
  public Instant advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("advance(" + by + "): time does not pass backwards; use set(instant)"
          + " to step the wall clock back.");
    }
    nanos.addAndGet(by.toNanos());
    return now.updateAndGet(t -> t.plus(by));
  }

  /** Sets the wall time only (a clock step); the ticker does not move. */
  public void set(Instant instant) {
    now.set(instant);
  }

  /** The ticker's reading in nanoseconds: moved by {@link #advance} only. */
  @Override
  public long read() {
    return nanos.get();
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
