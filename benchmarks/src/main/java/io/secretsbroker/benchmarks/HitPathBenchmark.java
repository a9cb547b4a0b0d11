package io.secretsbroker.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The hit path: reading a secret that is already cached, by our {@code SecretsClient.get}, by
 * raw Caffeine {@code getIfPresent} (the floor), by Caffeine with {@code expireAfterWrite} (the
 * floor for our semantics: it reads a monotonic clock per hit, as we must), and by the AWS caching
 * client's {@code SecretCache.getSecretString}; the diagnostic rivals of {@link Rival} take the
 * difference apart. One key, read by 1 and
 * by 2 threads sharing one client (the realistic case: every invocation reads {@code "db"}).
 *
 * <p>Run (from the repository root; measure allocation with {@code -prof gc} and read
 * {@code gc.alloc.rate.norm}, bytes per operation):
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar HitPathBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc
 * </pre>
 * Target (issue 10): ours within 3x of {@code caffeine}, and 0 B/op.
 *
 * <p>Each trial checks, on tear-down, that the backend was called only for the first (cold) read,
 * so a number here is always a number for the hit path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HitPathBenchmark {
  static final String KEY = "db";
  static final String VALUE = "s3cr3t-password-of-twenty-nine";

  @Param({"secretsbroker", "caffeine", "caffeine-expiring", "aws-caching"})
  public String rival;

  private SecretReader reader;
  private long callsAfterWarm;

  @Setup(Level.Trial)
  public void setUp() {
    reader = Rival.of(rival).open(Rival.Setup.cached(KEY, VALUE));
    if (!VALUE.equals(reader.get(KEY))) {
      throw new IllegalStateException(rival + " did not return the seeded value");
    }
    callsAfterWarm = reader.backendCalls();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    long calls = reader.backendCalls();
    reader.close();
    if (calls != callsAfterWarm) {
      throw new IllegalStateException(rival + " called its backend during the hit-path run ("
          + callsAfterWarm + " -> " + calls + "): the numbers are not for cached reads");
    }
  }

  @Benchmark
  @Threads(1)
  public String get_1thread() {
    return reader.get(KEY);
  }

  @Benchmark
  @Threads(2)
  public String get_2threads() {
    return reader.get(KEY);
  }
}
