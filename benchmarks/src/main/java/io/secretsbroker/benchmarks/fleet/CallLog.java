package io.secretsbroker.benchmarks.fleet;

import java.util.concurrent.atomic.LongAdder;

/**
 * The store calls one {@link FleetValidation} run made, by operation (single read or batch) and
 * second since the run's start, so they can be compared with the model's phase by phase. Calls
 * before the start or at or after the end of the window are kept apart: the model counts neither.
 * Thread-safe.
 */
final class CallLog {
  private final long startNanos;
  private final LongAdder[][] perSecond; // [0] single reads, [1] batch calls
  private final LongAdder[] outside = {new LongAdder(), new LongAdder()};

  CallLog(long startNanos, int seconds) {
    this.startNanos = startNanos;
    this.perSecond = new LongAdder[2][seconds];
    for (LongAdder[] op : perSecond) {
      for (int i = 0; i < seconds; i++) {
        op[i] = new LongAdder();
      }
    }
  }

  /** One call, a batch call when {@code batch}, made now. */
  void record(boolean batch, long nowNanos) {
    int op = batch ? 1 : 0;
    long offset = nowNanos - startNanos;
    int second = (int) (offset / 1_000_000_000L);
    if (offset < 0 || second >= perSecond[op].length) {
      outside[op].increment();
    } else {
      perSecond[op][second].increment();
    }
  }

  /** Calls within the window, in seconds {@code [from, to)}. */
  long calls(boolean batch, int from, int to) {
    long sum = 0;
    LongAdder[] op = perSecond[batch ? 1 : 0];
    for (int i = Math.max(0, from); i < Math.min(op.length, to); i++) {
      sum += op[i].sum();
    }
    return sum;
  }

  /** Calls before the start or after the end of the window (excluded from the comparison). */
  long outside(boolean batch) {
    return outside[batch ? 1 : 0].sum();
  }
}
