package io.secretsbroker.benchmarks.fleet;

import io.secretsbroker.SecretsClient;
import io.secretsbroker.aws.AwsSecretProvider;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Checks {@link FleetModel}'s policy for our client against real clients: {@code instances}
 * {@link SecretsClient}s, each with its own {@code aws://} driver, against one loopback WireMock
 * server speaking the Secrets Manager JSON 1.1 protocol and counting every call. Each instance is
 * a thread that invokes its "function" as a Poisson process (reading every secret with
 * {@code get}), starting cold within the storm window, with durations compressed (refresh-after of
 * seconds, not minutes). The model is then run over the same scenario, fed the call latencies
 * measured in this run (single reads and batch calls apart), and the two call counts are compared
 * by operation and phase (the storm: before any refresh can fall due, {@code 0.9 x refresh-after};
 * the steady state: the rest of the window): in total they must agree within 5%. Calls are
 * counted when the provider call starts, within the window only, as the model counts them; the
 * stub's own count by operation and status is printed beside (it shows SDK retries and errors).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.secretsbroker.benchmarks.fleet.FleetValidation [instances=200] [secrets=20]
 * [refreshAfterSeconds=5] [invocationsPerSecond=10] [seconds=60]}. The harness paces invocations
 * with sleeps (it is a load generator, not a test of timing); exits 1 when the difference is over 5%.
 */
public final class FleetValidation {
  private static final String SECRET_JSON = "{\"username\":\"app\",\"password\":\"fleet-validation-only\"}"; // secrets-guard:allow value served by the loopback stub

  /** {@code -Dfleet.prefetch=true}: every instance prefetches its secrets in one batch when it starts. */
  private static final boolean PREFETCH = Boolean.getBoolean("fleet.prefetch");

  /** The instances' thread names start so: their calls are the cold start's, the rest the client's refreshes. */
  private static final String INSTANCE = "instance-";

  private FleetValidation() {}

  private static String prefetchList(int secrets) {
    StringBuilder b = new StringBuilder();
    for (int j = 0; j < secrets; j++) {
      b.append(j == 0 ? "" : ",").append('s').append(j);
    }
    return b.toString();
  }

  public static void main(String[] args) throws Exception {
    int instances = arg(args, 0, 200);
    int secrets = arg(args, 1, 20);
    int refreshAfter = arg(args, 2, 5);
    int rate = arg(args, 3, 10);
    int seconds = arg(args, 4, 60);
    double storm = 1;
    Result r = measure(instances, secrets, refreshAfter, rate, seconds, storm);
    FleetScenario s = new FleetScenario(instances, secrets, storm, rate, seconds, seconds / 2.0, seconds, seconds, 0,
        10_000, 0.05, 7);
    SecretsBrokerPolicy policy = Boolean.getBoolean("fleet.perEntry")
        ? SecretsBrokerPolicy.of(refreshAfter, 3600).withoutBatchRefresh("per-entry")
        : SecretsBrokerPolicy.of(refreshAfter, 3600);
    if (PREFETCH) {
      policy = policy.withPrefetch("prefetch");
    }
    Tally model = FleetModel.tally(policy.withLatency(r.latency), s);
    long modelledNoLatency = FleetModel.run(policy, s).totalCalls();
    System.out.printf(Locale.ROOT, "real clients: %d instances x %d secrets, refresh-after %d s, %d invocations/s,"
            + " %d s: %,d invocations, %,d failed reads%nmean call latency, fed to the model: %s%n",
        instances, secrets, refreshAfter, rate, seconds, r.invocations, r.failedReads, r.latency);
    System.out.printf(Locale.ROOT, "calls on the instances' threads (cold reads, prefetch, misses): %s%n",
        r.onCallerThreads);
    if (!r.stub.isEmpty()) {
      System.out.println("stub: requests by operation and status: " + r.stub);
    }
    System.out.printf(Locale.ROOT, "calls outside the window, not compared: %d single, %d batch%n",
        r.log.outside(false), r.log.outside(true));
    double diff = compare(r.log, model, (int) (0.9 * refreshAfter), seconds);
    System.out.printf(Locale.ROOT, "model with zero latency: %,d calls%n", modelledNoLatency);
    System.exit(Math.abs(diff) <= 5 && r.failedReads == 0 ? 0 : 1);
  }

  /** Prints measured against modelled calls by phase and operation; returns the total's difference in percent. */
  static double compare(CallLog real, Tally model, int stormEnd, int seconds) {
    System.out.println("| phase | operation | measured | modelled | difference |");
    System.out.println("| --- | --- | ---: | ---: | ---: |");
    int[][] phases = {{0, stormEnd}, {stormEnd, seconds}};
    String[] names = {"storm 0-" + stormEnd + " s", "steady " + stormEnd + "-" + seconds + " s"};
    long measuredAll = 0;
    long modelledAll = 0;
    for (int p = 0; p < 2; p++) {
      for (boolean batch : new boolean[] {false, true}) {
        int from = phases[p][0];
        int to = phases[p][1];
        long measured = real.calls(batch, from, to);
        long batches = model.batchCallsBetween(from, to);
        long modelled = batch ? batches : model.callsBetween(from, to) - batches;
        measuredAll += measured;
        modelledAll += modelled;
        row(names[p], batch ? "BatchGetSecretValue" : "GetSecretValue", measured, modelled);
      }
    }
    return row("all", "all", measuredAll, modelledAll);
  }

  private static double row(String phase, String op, long measured, long modelled) {
    double diff = modelled == 0 ? (measured == 0 ? 0 : 100) : 100.0 * (measured - modelled) / modelled;
    System.out.printf(Locale.ROOT, "| %s | %s | %,d | %,d | %+.1f%% |%n", phase, op, measured, modelled, diff);
    return diff;
  }

  record Result(CallLog log, Map<String, Long> stub, long invocations, long failedReads, CallLatency latency,
      String onCallerThreads) {}

  /**
   * Counts each provider call when it starts, by operation and second ({@link CallLog}), and
   * measures how long single reads and batch calls take, on the instances' own threads (the cold
   * start: first reads, prefetch) apart from the client's background refreshes: the model needs
   * those latencies (an entry's age starts when its call ends).
   */
  private static final class TimedProvider implements SecretProvider {
    private final SecretProvider delegate;
    private final AtomicReference<CallLog> log;
    private final LongAdder[] latency; // nanos and calls: cold single, cold batch, refresh single, refresh batch
    private final LongAdder[][] coldReads; // nanos and calls of an instance's k-th single read
    private final ThreadLocal<int[]> readsOnThisThread = ThreadLocal.withInitial(() -> new int[1]);

    TimedProvider(SecretProvider delegate, AtomicReference<CallLog> log, LongAdder[] latency,
        LongAdder[][] coldReads) {
      this.delegate = delegate;
      this.coldReads = coldReads;
      this.log = log;
      this.latency = latency;
    }

    @Override
    public String id() {
      return delegate.id();
    }

    @Override
    public SecretRecord fetch(String name) {
      return timed(false, () -> delegate.fetch(name));
    }

    @Override
    public Map<String, SecretRecord> fetchAll(Set<String> names) {
      return timed(true, () -> delegate.fetchAll(names));
    }

    private <T> T timed(boolean batch, Supplier<T> call) {
      long began = System.nanoTime();
      log.get().record(batch, began);
      boolean caller = Thread.currentThread().getName().startsWith(INSTANCE);
      int kind = (caller ? 0 : 2) + (batch ? 1 : 0);
      int k = caller && !batch ? readsOnThisThread.get()[0]++ : Integer.MAX_VALUE;
      try {
        return call.get();
      } finally {
        long took = System.nanoTime() - began;
        latency[2 * kind].add(took);
        latency[2 * kind + 1].increment();
        if (k < coldReads.length) {
          coldReads[k][0].add(took);
          coldReads[k][1].increment();
        }
      }
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  static Result measure(int instances, int secrets, int refreshAfter, int rate, int seconds, double storm)
      throws InterruptedException {
    LongAdder[] latency = new LongAdder[8];
    java.util.Arrays.setAll(latency, i -> new LongAdder());
    LongAdder[][] coldReads = new LongAdder[secrets][];
    java.util.Arrays.setAll(coldReads, i -> new LongAdder[] {new LongAdder(), new LongAdder()});
    boolean memory = System.getProperty("fleet.memory") != null;
    CountingStub stub = memory ? null : new CountingStub(SECRET_JSON);
    System.setProperty("aws.accessKeyId", "AKIDFLEETVALIDATION"); // secrets-guard:allow fake key for a loopback stub
    System.setProperty("aws.secretAccessKey", "fleet-validation-not-a-key"); // secrets-guard:allow fake key for a loopback stub
    Map<String, String> props = Map.of(
        "secrets.provider", memory ? "memory://" : "aws://?region=us-east-1&endpoint=http://127.0.0.1:" + stub.port(),
        "secrets.cache.refresh-after", refreshAfter + "s",
        "secrets.cache.max-stale", "1h",
        "secrets.cache.refresh-batch", String.valueOf(!Boolean.getBoolean("fleet.perEntry")),
        "secrets.guard", "off",
        "secrets.audit", "off",
        "secrets.prefetch", PREFETCH ? prefetchList(secrets) : "");
    // until the instances start, every call is logged as outside the window (none is expected)
    AtomicReference<CallLog> log = new AtomicReference<>(new CallLog(Long.MAX_VALUE / 2, seconds));
    List<Supplier<SecretsClient>> builds = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      SecretProvider store = memory ? memoryStore(secrets) : warm(AwsSecretProvider.fromUri(props.get("secrets.provider")));
      builds.add(() -> SecretsClient.builder().ambientConfiguration(false)
          .provider(new TimedProvider(store, log, latency, coldReads)).properties(props).build());
    }
    AtomicReferenceArray<SecretsClient> clients = new AtomicReferenceArray<>(instances);
    if (!PREFETCH) {
      // with prefetch, an instance builds its client when it starts (its prefetch is its cold start,
      // as in the model); without, the clients are built up front and the first reads are the cold start
      for (int i = 0; i < instances; i++) {
        clients.set(i, builds.get(i).get());
      }
    }
    long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    CallLog before = log.getAndSet(new CallLog(t0, seconds));
    if (stub != null) {
      System.out.println("stub: requests before the window (driver warm-up), not compared: " + stub.byOperation());
    }
    long[] counts = run(instances, secrets, rate, seconds, storm, t0, builds, clients);
    for (int i = 0; i < instances; i++) {
      SecretsClient c = clients.get(i);
      if (c != null) {
        c.close();
      }
    }
    Map<String, Long> byOperation = stub == null ? Map.of() : stub.byOperation();
    if (stub != null) {
      stub.close();
    }
    if (before.outside(false) + before.outside(true) > 0) {
      System.out.printf(Locale.ROOT, "calls while building the clients, not compared: %d single, %d batch%n",
          before.outside(false), before.outside(true));
    }
    return new Result(log.get(), byOperation, counts[0], counts[1], latencyOf(latency, coldReads),
        latency[1].sum() + " single, " + latency[3].sum() + " batch");
  }

  /** The means {@link TimedProvider} measured, for the model. */
  private static CallLatency latencyOf(LongAdder[] latency, LongAdder[][] coldReads) {
    List<Double> reads = new ArrayList<>();
    for (int k = 0; k < coldReads.length && coldReads[k][1].sum() > 0; k++) {
      reads.add(mean(coldReads[k][0], coldReads[k][1]));
    }
    return new CallLatency(reads, mean(latency[0], latency[1]), mean(latency[2], latency[3]),
        mean(latency[4], latency[5]), mean(latency[6], latency[7]));
  }

  /**
   * One single read and one batch call through the driver itself, before the run: the first call
   * of each SDK client builds its HTTP client, signer and connection, and 200 of them first calling
   * at once in one JVM on two cores take seconds each, which a fleet instance (its own JVM, its own
   * CPU) does not pay. Not through the client, so nothing is cached; the stub counts them before
   * the window, where they are not compared.
   */
  private static SecretProvider warm(SecretProvider driver) {
    java.util.Arrays.fill(driver.fetch("warm-up").value(), (byte) 0);
    driver.fetchAll(Set.of("warm-up", "warm-up-2")).values().forEach(r -> java.util.Arrays.fill(r.value(), (byte) 0));
    return driver;
  }

  private static double mean(LongAdder nanos, LongAdder calls) {
    return calls.sum() == 0 ? 0 : nanos.sum() / 1e9 / calls.sum();
  }

  private static SecretProvider memoryStore(int secrets) {
    InMemorySecretProvider store = new InMemorySecretProvider();
    for (int j = 0; j < secrets; j++) {
      store.seed("s" + j, SECRET_JSON);
    }
    return store;
  }

  /**
   * The instances: one thread each, starting within the storm window after {@code t0} and invoking
   * until {@code t0 + seconds}; returns {invocations, failed reads}.
   */
  private static long[] run(int instances, int secrets, int rate, int seconds, double storm, long t0,
      List<Supplier<SecretsClient>> builds, AtomicReferenceArray<SecretsClient> clients) throws InterruptedException {
    AtomicLong invocations = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(instances);
    SplittableRandom seeds = new SplittableRandom(11);
    for (int i = 0; i < instances; i++) {
      int instance = i;
      SplittableRandom rnd = seeds.split();
      long start = t0 + (long) (storm * 1e9 * rnd.nextDouble());
      Thread th = new Thread(() -> {
        try {
          SecretsClient client = clients.get(instance);
          for (long t = start; t < end; t += (long) (1e9 * -Math.log(1 - rnd.nextDouble()) / rate)) {
            long wait = t - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(wait);
            }
            if (client == null) {
              client = builds.get(instance).get();
              clients.set(instance, client);
            }
            invocations.incrementAndGet();
            for (int j = 0; j < secrets; j++) {
              try {
                client.get("s" + j);
              } catch (RuntimeException e) {
                failed.incrementAndGet();
              }
            }
          }
        } finally {
          done.countDown();
        }
      }, INSTANCE + i);
      th.setDaemon(true);
      th.start();
    }
    done.await();
    return new long[] {invocations.get(), failed.get()};
  }

  private static int arg(String[] args, int i, int dflt) {
    return args.length > i ? Integer.parseInt(args[i]) : dflt;
  }
}
