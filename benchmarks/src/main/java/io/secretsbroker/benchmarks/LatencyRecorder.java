package io.secretsbroker.benchmarks;

/**
 * A fixed-size latency histogram: 1 µs buckets up to 10 ms, 1 ms buckets up to 60 s, and the exact
 * maximum. Recording allocates nothing, so it does not disturb what it measures.
 *
 * <p>Threads: not thread-safe; give each thread its own and {@link #add} them at the end.
 */
public final class LatencyRecorder {
  private static final int FINE = 10_000; // µs buckets: 0 .. 9_999 µs
  private static final int COARSE = 60_000; // ms buckets: 10 ms .. 60 s
  private final long[] fine = new long[FINE];
  private final long[] coarse = new long[COARSE];
  private long count;
  private long maxNanos;

  public void record(long nanos) {
    long micros = Math.max(0, nanos / 1000);
    if (micros < FINE) {
      fine[(int) micros]++;
    } else {
      coarse[(int) Math.min(COARSE - 1, micros / 1000)]++;
    }
    count++;
    maxNanos = Math.max(maxNanos, nanos);
  }

  public void add(LatencyRecorder other) {
    for (int i = 0; i < FINE; i++) {
      fine[i] += other.fine[i];
    }
    for (int i = 0; i < COARSE; i++) {
      coarse[i] += other.coarse[i];
    }
    count += other.count;
    maxNanos = Math.max(maxNanos, other.maxNanos);
  }

  public long count() {
    return count;
  }

  public long maxNanos() {
    return maxNanos;
  }

  /** Recorded values of at least {@code micros} microseconds (bucket resolution). */
  public long countAtLeastMicros(long micros) {
    long n = 0;
    if (micros < FINE) {
      for (int i = (int) Math.max(0, micros); i < FINE; i++) {
        n += fine[i];
      }
      for (long c : coarse) {
        n += c;
      }
    } else {
      for (int i = (int) Math.min(COARSE - 1, micros / 1000); i < COARSE; i++) {
        n += coarse[i];
      }
    }
    return n;
  }

  /** The upper edge, in microseconds, of the bucket holding the {@code p}-th percentile (0 < p <= 100). */
  public long percentileMicros(double p) {
    if (count == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(count * p / 100.0);
    long seen = 0;
    for (int i = 0; i < FINE; i++) {
      seen += fine[i];
      if (seen >= rank) {
        return i + 1;
      }
    }
    for (int i = 0; i < COARSE; i++) {
      seen += coarse[i];
      if (seen >= rank) {
        return (i + 1) * 1000L;
      }
    }
    return maxNanos / 1000;
  }
}
