package io.secretsbroker;

/**
 * A monotonic time source in nanoseconds, for refresh and expiry (in the spirit of Caffeine's
 * {@code Ticker}). Only differences between two reads mean anything: the value has no relation to
 * wall time, so a step of the wall clock (NTP, a VM resumed, a daylight change) moves no deadline.
 * Wall time, from {@link java.time.Clock}, is kept for timestamps shown to people (audit events,
 * {@code createdOn}) and for converting a store's absolute expiry dates.
 *
 * <p>Implementations must be thread-safe and never go backwards. Tests pass a ticker they move by
 * hand (the testkit's {@code ManualClock} is both a clock and a ticker).
 */
@FunctionalInterface
public interface Ticker {

  /** The current reading, in nanoseconds. */
  long read();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

/** The system ticker: a singleton so the hot path reads it through one monomorphic call. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
