package io.secretsbroker.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cold-miss coalescing: {@code threads} threads (64 by default) read the same cold key at the same
 * instant; how many backend calls does that cost? Each round builds a fresh, empty contender,
 * lines the threads up on a barrier, releases them together, and counts the calls. JMH is a poor
 * fit for a count (it measures time), so this is a plain main.
 *
 * <p>Run (from the repository root):
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.secretsbroker.benchmarks.ColdMissHarness \
 *     [threads=64] [rounds=20] [latencyMs=50]
 * </pre>
 * {@code latencyMs} is how long each backend call takes, long enough that every thread arrives
 * while the first load is still running. Target: exactly 1 provider call per round for ours. For
 * the AWS client the count is DescribeSecret + GetSecretValue (it always makes both on a load).
 *
 * <p>Threads: {@link #run} is safe to call from one thread at a time; it starts and joins its own
 * threads. Failure behaviour: a reader that throws is counted in {@link Result#failedReads()},
 * never rethrown.
 */
public final class ColdMissHarness {
  static final String KEY = "db";
  static final String VALUE = "cold-miss-value-0123456789";

  private ColdMissHarness() {}

  /** What one contender did over all rounds. */
  public record Result(Rival rival, int threads, int rounds, List<Long> callsPerRound, String lastDetail,
      int failedReads, long slowestWaitMicros) {
    public long minCalls() {
      return callsPerRound.stream().mapToLong(Long::longValue).min().orElse(0);
    }

    public long maxCalls() {
      return callsPerRound.stream().mapToLong(Long::longValue).max().orElse(0);
    }
  }

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Duration latency = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 50);
    System.out.printf(Locale.ROOT, "Cold-miss coalescing: %d threads read one cold key together, %d rounds,"
        + " backend latency %d ms%n", threads, rounds, latency.toMillis());
    System.out.printf(Locale.ROOT, "%-14s %10s %10s %-22s %8s %16s%n", "rival", "min calls", "max calls",
        "calls (last round)", "failed", "slowest wait ms");
    for (Rival rival : List.of(Rival.SECRETSBROKER, Rival.AWS_CACHING)) {
      Result r = run(rival, threads, rounds, latency);
      System.out.printf(Locale.ROOT, "%-14s %10d %10d %-22s %8d %16.1f%n", rival.id(), r.minCalls(),
          r.maxCalls(), r.lastDetail(), r.failedReads(), r.slowestWaitMicros() / 1000.0);
    }
  }

  /** Runs {@code rounds} rounds of {@code threads} simultaneous cold reads against fresh contenders. */
  public static Result run(Rival rival, int threads, int rounds, Duration latency) throws InterruptedException {
    List<Long> calls = new ArrayList<>();
    AtomicInteger failed = new AtomicInteger();
    AtomicLong slowest = new AtomicLong();
    String detail = "";
    for (int round = 0; round < rounds; round++) {
      try (SecretReader reader = rival.open(new Rival.Setup(KEY, VALUE, latency, Duration.ofHours(1)))) {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
          Thread t = new Thread(() -> {
            try {
              start.await(30, TimeUnit.SECONDS);
              long t0 = System.nanoTime();
              String v = reader.get(KEY);
              long waited = (System.nanoTime() - t0) / 1000;
              slowest.accumulateAndGet(waited, Math::max);
              if (!VALUE.equals(v)) {
                failed.incrementAndGet();
              }
            } catch (Exception e) {
              failed.incrementAndGet();
            }
          }, "cold-reader-" + i);
          workers.add(t);
          t.start();
        }
        for (Thread t : workers) {
          t.join();
        }
        calls.add(reader.backendCalls());
        detail = reader.backendCallDetail();
      }
    }
    return new Result(rival, threads, rounds, List.copyOf(calls), detail, failed.get(), slowest.get());
  }
}
