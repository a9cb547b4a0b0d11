package io.secretsbroker.aws;

import static io.secretsbroker.aws.FakeSecretsManager.awsError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.Rotation;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The AWS provider behind the whole client: retry, circuit breaker, batch and rotation over the wire. */
class AwsClientResilienceTest {
  @RegisterExtension
  static final FakeSecretsManager AWS = new FakeSecretsManager();

  private static SecretsClient client(Map<String, String> settings) {
    return SecretsClient.builder()
        .provider(AWS.provider())
        .ambientConfiguration(false)
        .property("secrets.retry.initial-backoff", "1ms")
        .property("secrets.guard", "off")
        .properties(settings)
        .build();
  }

  @Test
  void get_throttledThenOk_succeedsThroughRetry() {
    AWS.seed("db", "pw".getBytes(StandardCharsets.UTF_8));
    AWS.failOnce("GetSecretValue", awsError(400, "ThrottlingException", "Rate exceeded"));

    try (SecretsClient client = client(Map.of())) {
      assertThat(client.get("db")).isEqualTo("pw");
    }
    assertThat(AWS.count("GetSecretValue")).isEqualTo(2);
  }

  @Test
  void get_missingSecret_isNotRetried() {
    try (SecretsClient client = client(Map.of())) {
      assertThat(catchThrowable(() -> client.get("missing"))).isInstanceOf(SecretNotFoundException.class);
    }
    assertThat(AWS.count("GetSecretValue")).isEqualTo(1);
  }

  @Test
  void get_persistent500_retriesThenOpensBreakerAndFailsFast() {
    AWS.stubFor("GetSecretValue", awsError(500, "InternalServiceError", "down"));
    Map<String, String> settings = Map.of("secrets.retry.max-attempts", "2", "secrets.breaker.window", "4",
        "secrets.breaker.failure-rate", "50", "secrets.cache.negative-ttl", "1ms");

    try (SecretsClient client = client(settings)) {
      for (int i = 0; i < 2; i++) {
        String name = "s" + i;
        assertThat(catchThrowable(() -> client.get(name))).isInstanceOf(ProviderUnavailableException.class);
      }
      int callsWhenOpen = AWS.count("GetSecretValue");
      Throwable fast = catchThrowable(() -> client.get("s9"));

      assertThat(callsWhenOpen).isEqualTo(4);
      assertThat(fast).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("circuit breaker");
      assertThat(AWS.count("GetSecretValue")).as("open breaker: no request sent").isEqualTo(callsWhenOpen);
    }
  }

  @Test
  void values_usesOneBatchCall() {
    AWS.seed("a", "1".getBytes(StandardCharsets.UTF_8));
    AWS.seed("b", "2".getBytes(StandardCharsets.UTF_8));

    try (SecretsClient client = client(Map.of())) {
      Map<String, SecretValue> values = client.values(List.of("a", "b"));

      assertThat(values.get("a").asString()).isEqualTo("1");
      assertThat(values.get("b").asString()).isEqualTo("2");
    }
    assertThat(AWS.count("BatchGetSecretValue")).isEqualTo(1);
    assertThat(AWS.count("GetSecretValue")).isZero();
  }

  @Test
  void rotate_throughClient_usesStagedProtocolAndKeepsPrevious() {
    String v1 = AWS.seed("db", "old".getBytes(StandardCharsets.UTF_8));

    try (SecretsClient client = client(Map.of())) {
      SecretValue rotated = client.rotate("db", Rotation.builder().generator(current -> "new").build());

      assertThat(client.get("db")).isEqualTo("new");
      assertThat(AWS.stages("db")).containsEntry(v1, java.util.Set.of("AWSPREVIOUS"))
          .containsEntry(rotated.versionId(), java.util.Set.of("AWSCURRENT"));
    }
  }
}
