package io.secretsbroker.internal;

import io.secretsbroker.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A wall clock and a monotonic ticker tests move by hand: {@link #advance} moves both (time
 * passes), {@link #step} moves the wall clock only (an NTP step, a resumed VM).
 */
final class MutableClock extends Clock implements Ticker {
  private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
  private final AtomicLong nanos = new AtomicLong(42_000_000_000L);

  void advance(Duration d) {
    millis.addAndGet(d.toMillis());
    nanos.addAndGet(d.toNanos());
  }

  /** Moves the wall clock only, forward or back. */
  void step(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  @Override
  public long read() {
    return nanos.get();
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
