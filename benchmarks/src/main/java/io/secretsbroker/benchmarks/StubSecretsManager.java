package io.secretsbroker.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * A {@link SecretsManagerClient} answering from memory, so the AWS caching client
 * ({@code aws-secretsmanager-caching-java}) can be measured without a network.
 *
 * <p>Only the two operations the caching client uses are implemented: {@code DescribeSecret}
 * (the caching client calls it on every load and every refresh, to learn which version carries
 * the {@code AWSCURRENT} stage) and {@code GetSecretValue} (called once per new version). Each
 * call is counted when it starts, then sleeps {@linkplain #delay(Duration) the configured delay}; every
 * other operation throws {@link UnsupportedOperationException} (the interface's default).
 *
 * <p>Threads: safe for concurrent use; counters are exact. {@link #inFlight()} says how many calls
 * are sleeping right now, so a harness can tell whether a refresh is in progress. Failure
 * behaviour: an unknown secret id throws the SDK's {@link ResourceNotFoundException}, as AWS does.
 */
public final class StubSecretsManager implements SecretsManagerClient {
  private static final Instant CREATED = Instant.parse("2024-01-01T00:00:00Z");

  private final Map<String, String> values = new ConcurrentHashMap<>();
  private final LongAdder describeCalls = new LongAdder();
  private final LongAdder getValueCalls = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile Duration delay = Duration.ZERO;
  private volatile String versionId = "v1";

  /** Adds (or replaces) a secret with a text value, under the current version id. */
  public StubSecretsManager seed(String secretId, String value) {
    values.put(secretId, value);
    return this;
  }

  /** Every DescribeSecret and GetSecretValue call sleeps this long before answering. */
  public StubSecretsManager delay(Duration delay) {
    this.delay = delay;
    return this;
  }

  /** The version id reported as {@code AWSCURRENT} (change it to simulate a rotation). */
  public StubSecretsManager versionId(String versionId) {
    this.versionId = versionId;
    return this;
  }

  public long describeCalls() {
    return describeCalls.sum();
  }

  public long getSecretValueCalls() {
    return getValueCalls.sum();
  }

  /** DescribeSecret plus GetSecretValue calls: every request the cache sent to "AWS". */
  public long totalCalls() {
    return describeCalls() + getSecretValueCalls();
  }

  /** Calls currently waiting out their delay. */
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public DescribeSecretResponse describeSecret(DescribeSecretRequest request) {
    String id = request.secretId();
    call(describeCalls, id);
    return DescribeSecretResponse.builder()
        .arn("arn:aws:secretsmanager:eu-west-1:000000000000:secret:" + id)
        .name(id)
        .versionIdsToStages(Map.of(versionId, List.of("AWSCURRENT")))
        .build();
  }

  @Override
  public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
    String id = request.secretId();
    String value = call(getValueCalls, id);
    String version = request.versionId() != null ? request.versionId() : versionId;
    return GetSecretValueResponse.builder()
        .arn("arn:aws:secretsmanager:eu-west-1:000000000000:secret:" + id)
        .name(id)
        .versionId(version)
        .versionStages(List.of("AWSCURRENT"))
        .secretString(value)
        .createdDate(CREATED)
        .build();
  }

  private String call(LongAdder counter, String id) {
    counter.increment();
    inFlight.incrementAndGet();
    try {
      Duration d = delay;
      if (!d.isZero()) {
        try {
          Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      String value = values.get(id);
      if (value == null) {
        throw ResourceNotFoundException.builder()
            .message("Secrets Manager can't find the specified secret.")
            .build();
      }
      return value;
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public String serviceName() {
    return SERVICE_NAME;
  }

  @Override
  public void close() {}
}
