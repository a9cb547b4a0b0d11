package io.secretsbroker.benchmarks.fleet;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.aws.AwsSecretProvider;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Checks {@link FleetModel}'s policy for our client against real clients: {@code instances}
 * {@link SecretsClient}s, each with its own {@code aws://} driver, against one loopback WireMock
 * server speaking the Secrets Manager JSON 1.1 protocol and counting every call. Each instance is
 * a thread that invokes its "function" as a Poisson process (reading every secret with
 * {@code get}), starting cold within the storm window, with durations compressed (refresh-after of
 * seconds, not minutes). The model is then run over the same scenario and the two call counts
 * are compared: they must agree within 5%.
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
    long modelled = FleetModel.run(policy.withLatency(r.meanLatency), s).totalCalls();
    long modelledNoLatency = FleetModel.run(policy, s).totalCalls();
    double diff = 100.0 * (r.calls - modelled) / modelled;
    System.out.printf(Locale.ROOT, "real clients: %d instances x %d secrets, refresh-after %d s, %d invocations/s,"
            + " %d s: %,d store calls (%,d invocations, %,d failed reads)%n", instances, secrets,
        refreshAfter, rate, seconds, r.calls, r.invocations, r.failedReads);
    System.out.printf(Locale.ROOT, "model, same scenario, measured mean call latency %.1f ms: %,d calls;"
        + " difference %+.2f%% (model with zero latency: %,d)%n", 1000 * r.meanLatency, modelled, diff,
        modelledNoLatency);
    System.exit(Math.abs(diff) <= 5 && r.failedReads == 0 ? 0 : 1);
  }

  record Result(long calls, long invocations, long failedReads, double meanLatency) {}

  /** Measures how long each provider call takes: the model needs it (an entry's age starts when its call ends). */
  private static final class TimedProvider implements SecretProvider {
    private final SecretProvider delegate;
    private final LongAdder[] latency;

    TimedProvider(SecretProvider delegate, LongAdder[] latency) {
      this.delegate = delegate;
      this.latency = latency;
    }

    @Override
    public String id() {
      return delegate.id();
    }

    @Override
    public SecretRecord fetch(String name) {
      long began = System.nanoTime();
      try {
        return delegate.fetch(name);
      } finally {
        latency[0].add(System.nanoTime() - began);
        latency[1].increment();
      }
    }

    @Override
    public java.util.Map<String, SecretRecord> fetchAll(java.util.Set<String> names) {
      long began = System.nanoTime();
      try {
        return delegate.fetchAll(names);
      } finally {
        latency[0].add(System.nanoTime() - began);
        latency[1].increment();
      }
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  static Result measure(int instances, int secrets, int refreshAfter, int rate, int seconds, double storm)
      throws InterruptedException {
    AtomicLong calls = new AtomicLong();
    LongAdder[] latency = {new LongAdder(), new LongAdder()};
    WireMockServer server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()
        .containerThreads(64).disableRequestJournal());
    server.start();
    Map<String, LongAdder> byOperation = new java.util.concurrent.ConcurrentSkipListMap<>();
    server.addMockServiceRequestListener((request, response) -> {
      calls.incrementAndGet();
      String target = String.valueOf(request.getHeader("X-Amz-Target"));
      byOperation.computeIfAbsent(target.substring(target.indexOf('.') + 1) + " " + response.getStatus(),
          k -> new LongAdder()).increment();
    });
    server.stubFor(post(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
            .withTransformers("response-template")
            .withBody("{\"ARN\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:{{jsonPath request.body"
                + " '$.SecretId'}}-AbCdEf\",\"Name\":\"{{jsonPath request.body '$.SecretId'}}\",\"VersionId\":"
                + "\"00000000-0000-0000-0000-000000000001\",\"SecretString\":" + quoted(SECRET_JSON)
                + ",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7E9}")));
    server.stubFor(post(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("secretsmanager.BatchGetSecretValue"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
            .withTransformers("response-template")
            .withBody("{\"SecretValues\":[{{#each (jsonPath request.body '$.SecretIdList') as |id|}}"
                + "{{#unless @first}},{{/unless}}{\"ARN\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:{{id}}"
                + "-AbCdEf\",\"Name\":\"{{id}}\",\"VersionId\":\"00000000-0000-0000-0000-000000000001\","
                + "\"SecretString\":" + quoted(SECRET_JSON) + ",\"VersionStages\":[\"AWSCURRENT\"],"
                + "\"CreatedDate\":1.7E9}{{/each}}],\"Errors\":[]}")));
    System.setProperty("aws.accessKeyId", "AKIDFLEETVALIDATION"); // secrets-guard:allow fake key for a loopback stub
    System.setProperty("aws.secretAccessKey", "fleet-validation-not-a-key"); // secrets-guard:allow fake key for a loopback stub
    Map<String, String> props = Map.of(
        "secrets.provider", "aws://?region=us-east-1&endpoint=http://127.0.0.1:" + server.port(),
        "secrets.cache.refresh-after", refreshAfter + "s",
        "secrets.cache.max-stale", "1h",
        "secrets.cache.refresh-batch", String.valueOf(!Boolean.getBoolean("fleet.perEntry")),
        "secrets.guard", "off",
        "secrets.audit", "off",
        "secrets.prefetch", PREFETCH ? prefetchList(secrets) : "");
    List<java.util.function.Supplier<SecretsClient>> builds = new ArrayList<>();
    List<InMemorySecretProvider> stores = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      if (System.getProperty("fleet.memory") != null) {
        InMemorySecretProvider store = new InMemorySecretProvider();
        for (int j = 0; j < secrets; j++) {
          store.seed("s" + j, SECRET_JSON);
        }
        stores.add(store);
        builds.add(() -> SecretsClient.builder().ambientConfiguration(false).provider(store)
            .properties(props).property("secrets.provider", "memory://").build());
      } else {
        builds.add(() -> SecretsClient.builder().ambientConfiguration(false)
            .provider(new TimedProvider(AwsSecretProvider.fromUri(props.get("secrets.provider")), latency))
            .properties(props).build());
      }
    }
    // with prefetch, an instance builds its client when it starts (its prefetch is its cold start, as
    // in the model); without, the clients are built up front and the first reads are the cold start
    java.util.concurrent.atomic.AtomicReferenceArray<SecretsClient> clients =
        new java.util.concurrent.atomic.AtomicReferenceArray<>(instances);
    if (!PREFETCH) {
      for (int i = 0; i < instances; i++) {
        clients.set(i, builds.get(i).get());
      }
    }
    AtomicLong invocations = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
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
      }, "instance-" + i);
      th.setDaemon(true);
      th.start();
    }
    done.await();
    long counted = calls.get() + stores.stream().mapToLong(InMemorySecretProvider::callCount).sum();
    for (int i = 0; i < instances; i++) {
      SecretsClient c = clients.get(i);
      if (c != null) {
        c.close();
      }
    }
    server.stop();
    if (!byOperation.isEmpty()) {
      System.out.println("store calls by operation and status: " + byOperation);
    }
    double meanLatency = latency[1].sum() == 0 ? 0 : latency[0].sum() / 1e9 / latency[1].sum();
    return new Result(counted, invocations.get(), failed.get(), meanLatency);
  }

  private static String quoted(String json) {
    return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static int arg(String[] args, int i, int dflt) {
    return args.length > i ? Integer.parseInt(args[i]) : dflt;
  }
}
