package io.secretsbroker.benchmarks;

import com.amazonaws.secretsmanager.caching.SecretCacheConfiguration;
import io.secretsbroker.Redactor;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.openjdk.jol.info.GraphLayout;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Retained heap per cached secret (issue 17, "Memory"): N secrets of S bytes of text read once
 * each through our {@link SecretsClient}, the AWS caching client 2.2.0 (over a stub
 * {@link SecretsManagerClient} that builds a fresh value per call and keeps nothing) and a plain
 * {@code ConcurrentHashMap<String, String>}, side by side in one JVM.
 *
 * <p>Measured with JOL's {@link GraphLayout} (everything reachable from the contender, and for ours
 * also from the process-wide {@link Redactor}, which holds each value's text to mask it): the
 * graph after the N reads minus the graph before them, divided by N, minus one copy of the key and
 * one copy of the value (each as the {@code String} a caller gets). A second column, the used heap
 * after {@code System.gc()} before and after, is a cross-check (noisier: it sees every thread's
 * garbage). {@code copies} counts the {@code byte[]} and {@code char[]} arrays of at least S bytes
 * reachable per entry: how many copies of the value the contender keeps.
 *
 * <p>Run (from the repository root):
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -Djdk.attach.allowAttachSelf=true \
 *     -cp benchmarks/target/benchmarks.jar io.secretsbroker.benchmarks.MemoryPerEntry [N [S]] 2>/dev/null
 * </pre>
 * ({@code allowAttachSelf} lets JOL use instrumentation; lambdas are hidden classes, so the class
 * also sets {@code jol.magicFieldOffset}; stderr carries the audit lines of the loads.)
 * <pre>
 * </pre>
 *
 * <p>Single-threaded; not part of {@code ./mvnw verify} (HarnessTest runs a small N).
 */
public final class MemoryPerEntry {
  static {
    // lambdas are hidden classes, whose field offsets Unsafe refuses: let JOL find them its own way
    if (System.getProperty("jol.magicFieldOffset") == null) {
      System.setProperty("jol.magicFieldOffset", "true");
    }
  }

  private MemoryPerEntry() {}

  /** One contender's figures. */
  public record Result(String rival, int n, double structurePerEntry, double heapPerEntry, double copiesPerEntry,
      Map<String, Double> perClass) {
    public Result {
      perClass = Map.copyOf(perClass);
    }
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    // a first round loads every class the reads need, so the measured round sees no class loading
    ours(n, size);
    aws(n, size);
    chm(n, size);
    List<Result> results = List.of(ours(n, size), aws(n, size), chm(n, size));
    System.out.printf(Locale.ROOT, "%d secrets of %d B of text; bytes per entry beyond one key and one value%n", n,
        size);
    System.out.printf(Locale.ROOT, "%-16s %14s %14s %8s%n", "rival", "JOL graph", "heap after gc", "copies");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%-16s %14.0f %14.0f %8.2f%n", r.rival(), r.structurePerEntry(),
          r.heapPerEntry(), r.copiesPerEntry());
    }
    for (Result r : results) {
      System.out.println();
      System.out.println(r.rival() + ": bytes per entry by class (JOL, largest first)");
      r.perClass().entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(25)
          .forEach(e -> System.out.printf(Locale.ROOT, "  %8.1f  %s%n", e.getValue(), e.getKey()));
    }
  }

  /** The value of secret {@code i}: {@code size} ASCII characters, distinct per secret. */
  static String value(int i, int size) {
    StringBuilder b = new StringBuilder(size);
    b.append("value-").append(i).append('-');
    while (b.length() < size) {
      b.append((char) ('a' + b.length() % 26));
    }
    b.setLength(size);
    return b.toString();
  }

  static String key(int i) {
    return "secret-" + i;
  }

  static int index(String key) {
    return Integer.parseInt(key.substring(key.indexOf('-') + 1));
  }

  public static Result ours(int n, int size) {
    SecretProvider provider = new SecretProvider() {
      @Override
      public String id() {
        return "generated://";
      }

      @Override
      public SecretRecord fetch(String name) {
        return new SecretRecord(name, "v1", value(index(name), size).getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
      }
    };
    try (SecretsClient client = SecretsClient.builder().provider(provider).ambientConfiguration(false)
        .properties(Map.of("secrets.cache.max-size", Integer.toString(2 * n))).build()) {
      return measure("secretsbroker", n, size, new Object[] {client, Redactor.global()}, client::get);
    }
  }

  public static Result aws(int n, int size) {
    SecretsManagerClient stub = new GeneratingStub(size);
    com.amazonaws.secretsmanager.caching.SecretCache cache = new com.amazonaws.secretsmanager.caching.SecretCache(
        new SecretCacheConfiguration().withClient(stub).withMaxCacheSize(2 * n));
    try {
      return measure("aws-caching", n, size, new Object[] {cache}, cache::getSecretString);
    } finally {
      cache.close();
    }
  }

  public static Result chm(int n, int size) {
    Map<String, String> map = new ConcurrentHashMap<>();
    return measure("concurrent-map", n, size, new Object[] {map},
        k -> map.computeIfAbsent(k, key -> value(index(key), size)));
  }

  private static Result measure(String rival, int n, int size, Object[] roots, Function<String, String> read) {
    List<String> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add(key(i));
    }
    for (int i = 0; i < 64; i++) {
      read.apply("warm-" + i); // starts whatever the contender starts lazily (pool threads), before "before"
    }
    GraphLayout before = GraphLayout.parseInstance(roots);
    long heapBefore = usedAfterGc();
    for (String k : keys) {
      read.apply(k); // loads it; the value returned is checked below, then dropped like a caller's
    }
    for (int i = 0; i < n; i++) {
      if (!value(i, size).equals(read.apply(keys.get(i)))) {
        throw new IllegalStateException(rival + " returned a wrong value for " + keys.get(i));
      }
    }
    // no caller holds a value any more: what is left is what the contender keeps
    long heapAfter = usedAfterGc();
    GraphLayout after = GraphLayout.parseInstance(roots);
    long keyBytes = 0;
    for (String k : keys) {
      keyBytes += GraphLayout.parseInstance(k).totalSize();
    }
    long valueBytes = GraphLayout.parseInstance(value(0, size)).totalSize();
    double oneKeyAndValue = (double) keyBytes / n + valueBytes;
    double structure = (double) (after.totalSize() - before.totalSize()) / n - oneKeyAndValue;
    double heap = (double) (heapAfter - heapBefore) / n - oneKeyAndValue;
    Map<String, Double> perClass = new HashMap<>();
    for (Class<?> c : after.getClasses()) {
      long delta = after.getClassSizes().count(c) - (before.getClasses().contains(c) ? before.getClassSizes().count(c) : 0);
      if (delta != 0) {
        perClass.put(c.getName(), (double) delta / n);
      }
    }
    long big = 0;
    for (long addr : after.addresses()) {
      var rec = after.record(addr);
      if ((rec.klass() == byte[].class || rec.klass() == char[].class) && rec.size() >= size) {
        big++;
      }
    }
    long bigBefore = 0;
    for (long addr : before.addresses()) {
      var rec = before.record(addr);
      if ((rec.klass() == byte[].class || rec.klass() == char[].class) && rec.size() >= size) {
        bigBefore++;
      }
    }
    keys.clear();
    return new Result(rival, n, structure, heap, (double) (big - bigBefore) / n, perClass);
  }

  private static long usedAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** Answers DescribeSecret and GetSecretValue with a value built afresh per call; keeps nothing. */
  private static final class GeneratingStub implements SecretsManagerClient {
    private final int size;

    GeneratingStub(int size) {
      this.size = size;
    }

    @Override
    public DescribeSecretResponse describeSecret(DescribeSecretRequest request) {
      return DescribeSecretResponse.builder().name(request.secretId())
          .versionIdsToStages(Map.of("v1", List.of("AWSCURRENT"))).build();
    }

    @Override
    public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
      return GetSecretValueResponse.builder().name(request.secretId()).versionId("v1")
          .versionStages(List.of("AWSCURRENT")).secretString(value(index(request.secretId()), size)).build();
    }

    @Override
    public String serviceName() {
      return "secretsmanager";
    }

    @Override
    public void close() {}
  }
}
