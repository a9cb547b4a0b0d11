package io.secretsbroker.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Refresh stall: while a cached secret is being reloaded from a slow backend (200 ms by default),
 * how long does any reader wait? Readers loop on {@code get} for a fixed time with a short
 * refresh interval, so reloads are in flight much of the run; every read is timed, and a read
 * counts as "during a refresh" when a backend call was in flight when it started or a backend
 * call started before it returned. JMH is a poor fit for a worst case, so this is a plain main.
 *
 * <p>Run (from the repository root):
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.secretsbroker.benchmarks.RefreshStallHarness \
 *     [readers=4] [reloadMs=200] [refreshAfterMs=100] [seconds=10] [pauseMicros=50]
 * </pre>
 * Ours gets {@code secrets.cache.refresh-after=<refreshAfterMs>ms}; the AWS client gets
 * {@code SecretCacheConfiguration.setCacheItemTTL(refreshAfterMs)}. Each reader parks
 * {@code pauseMicros} between reads so the readers do not saturate the CPU (on 2 cores, busy
 * readers would be descheduled for milliseconds, which measures the OS scheduler, not the
 * cache). A third row runs ours with refresh-after of one hour: the same load with no refresh at
 * all, the noise floor of the machine. Target: no read during a refresh over 5 ms.
 *
 * <p>Threads: {@link #run} is called from one thread; it starts and joins its reader threads.
 * Failure behaviour: a read that throws or returns a wrong value is counted in
 * {@link Result#failedReads()}, never rethrown.
 */
public final class RefreshStallHarness {
  static final String KEY = "db";
  static final String VALUE = "refresh-stall-value-0123456789";
  static final long TARGET_MICROS = 5_000;

  private RefreshStallHarness() {}

  /** What one contender's readers saw. */
  public record Result(String label, long reads, long readsDuringRefresh, long backendCalls,
      long maxNanos, long maxDuringRefreshNanos, long p999DuringRefreshMicros, long readsOverTarget,
      int failedReads) {}

  public static void main(String[] args) throws Exception {
    int readers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    Duration reload = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 200);
    Duration refreshAfter = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 100);
    Duration length = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 10);
    long pauseMicros = args.length > 4 ? Long.parseLong(args[4]) : 50;
    System.out.printf(Locale.ROOT, "Refresh stall: %d readers, reload %d ms, refresh after %d ms, %d s measured"
        + " (after %d s warm-up), %d us pause between reads%n", readers, reload.toMillis(),
        refreshAfter.toMillis(), length.toSeconds(), warmUp(length).toSeconds(), pauseMicros);
    System.out.printf(Locale.ROOT, "%-28s %10s %12s %8s %10s %14s %14s %12s %7s%n", "rival", "reads",
        "in refresh", "reloads", "max ms", "max in refr ms", "p99.9 refr ms", ">5ms reads", "failed");
    List<Result> results = new ArrayList<>();
    results.add(run(Rival.SECRETSBROKER, "secretsbroker", readers, reload, refreshAfter, length, pauseMicros));
    results.add(run(Rival.AWS_CACHING, "aws-caching", readers, reload, refreshAfter, length, pauseMicros));
    results.add(run(Rival.SECRETSBROKER, "secretsbroker (no refresh)", readers, reload, Duration.ofHours(1),
        length, pauseMicros));
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%-28s %10d %12d %8d %10.2f %14.2f %14.2f %12d %7d%n", r.label(), r.reads(),
          r.readsDuringRefresh(), r.backendCalls(), r.maxNanos() / 1e6, r.maxDuringRefreshNanos() / 1e6,
          r.p999DuringRefreshMicros() / 1e3, r.readsOverTarget(), r.failedReads());
    }
  }

  private static Duration warmUp(Duration length) {
    return Duration.ofSeconds(Math.min(2, Math.max(0, length.toSeconds() / 5)));
  }

  /**
   * Loads the key once (the cold load is not measured), warms up for a fifth of {@code length}
   * (at most 2 s), then measures for {@code length}. {@code backendCalls} counts calls made
   * during the measured part only.
   */
  public static Result run(Rival rival, String label, int readers, Duration reload, Duration refreshAfter,
      Duration length, long pauseMicros) throws InterruptedException {
    try (SecretReader reader = rival.open(new Rival.Setup(KEY, VALUE, reload, refreshAfter))) {
      reader.get(KEY);
      long warmEnd = System.nanoTime() + warmUp(length).toNanos();
      long end = warmEnd + length.toNanos();
      long[] callsAtStart = new long[1];
      AtomicInteger failed = new AtomicInteger();
      LatencyRecorder[] all = new LatencyRecorder[readers];
      LatencyRecorder[] during = new LatencyRecorder[readers];
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < readers; i++) {
        LatencyRecorder a = all[i] = new LatencyRecorder();
        LatencyRecorder d = during[i] = new LatencyRecorder();
        Thread t = new Thread(() -> read(reader, a, d, warmEnd, end, pauseMicros, failed), "stall-reader-" + i);
        threads.add(t);
      }
      threads.forEach(Thread::start);
      LockSupport.parkNanos(Math.max(0, warmEnd - System.nanoTime()));
      callsAtStart[0] = reader.backendCalls();
      for (Thread t : threads) {
        t.join();
      }
      long calls = reader.backendCalls() - callsAtStart[0];
      LatencyRecorder allSum = new LatencyRecorder();
      LatencyRecorder duringSum = new LatencyRecorder();
      for (int i = 0; i < readers; i++) {
        allSum.add(all[i]);
        duringSum.add(during[i]);
      }
      return new Result(label, allSum.count(), duringSum.count(), calls, allSum.maxNanos(),
          duringSum.maxNanos(), duringSum.percentileMicros(99.9), duringSum.countAtLeastMicros(TARGET_MICROS + 1),
          failed.get());
    }
  }

  private static void read(SecretReader reader, LatencyRecorder all, LatencyRecorder during, long warmEnd,
      long end, long pauseMicros, AtomicInteger failed) {
    long pause = pauseMicros * 1000;
    while (true) {
      long started = reader.backendCalls();
      boolean inFlight = reader.inFlight() > 0;
      long t0 = System.nanoTime();
      if (t0 >= end) {
        return;
      }
      String v;
      try {
        v = reader.get(KEY);
      } catch (RuntimeException e) {
        v = null;
      }
      long t1 = System.nanoTime();
      boolean overlapped = inFlight || reader.backendCalls() != started;
      if (t0 >= warmEnd) {
        if (!VALUE.equals(v)) {
          failed.incrementAndGet();
        }
        all.record(t1 - t0);
        if (overlapped) {
          during.record(t1 - t0);
        }
      }
      if (pause > 0) {
        LockSupport.parkNanos(pause);
      }
    }
  }
}
