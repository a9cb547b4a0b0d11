package io.secretsbroker.benchmarks.fleet;

/**
 * What one policy's run over the whole fleet added up to: store calls in one-second buckets, and
 * invocations that could not get their secrets during the outage. Not thread-safe: one run fills
 * one tally.
 */
final class Tally {
  final long[] callsPerSecond;
  /** The batch calls among {@link #callsPerSecond} ({@code BatchGetSecretValue}), for policies that tell them apart. */
  final long[] batchCallsPerSecond;
  long failedInvocations;
  long outageInvocations;

  Tally(FleetScenario s) {
    this.callsPerSecond = new long[(int) Math.ceil(s.horizonSeconds()) + 1];
    this.batchCallsPerSecond = new long[callsPerSecond.length];
  }

  /** {@code n} store calls at time {@code t} (calls past the horizon are not counted). */
  void call(double t, long n) {
    if (t >= 0 && t < callsPerSecond.length) {
      callsPerSecond[(int) t] += n;
    }
  }

  /** {@code n} store calls at time {@code t}, batch calls when {@code batch}. */
  void call(double t, long n, boolean batch) {
    call(t, n);
    if (batch && t >= 0 && t < batchCallsPerSecond.length) {
      batchCallsPerSecond[(int) t] += n;
    }
  }

  long callsBetween(double from, double to) {
    return sum(callsPerSecond, from, to);
  }

  long batchCallsBetween(double from, double to) {
    return sum(batchCallsPerSecond, from, to);
  }

  private static long sum(long[] perSecond, double from, double to) {
    long sum = 0;
    for (int i = (int) Math.max(0, from); i < Math.min(perSecond.length, (int) Math.ceil(to)); i++) {
      sum += perSecond[i];
    }
    return sum;
  }

  long peakBetween(double from, double to) {
    long peak = 0;
    for (int i = (int) Math.max(0, from); i < Math.min(callsPerSecond.length, (int) Math.ceil(to)); i++) {
      peak = Math.max(peak, callsPerSecond[i]);
    }
    return peak;
  }

  long overQuotaBetween(double from, double to, double quota) {
    long over = 0;
    for (int i = (int) Math.max(0, from); i < Math.min(callsPerSecond.length, (int) Math.ceil(to)); i++) {
      over += Math.max(0, callsPerSecond[i] - (long) quota);
    }
    return over;
  }
}
