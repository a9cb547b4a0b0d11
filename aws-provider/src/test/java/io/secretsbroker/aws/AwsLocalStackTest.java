package io.secretsbroker.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Against a real Secrets Manager emulator (LocalStack in Docker). Skipped, with Testcontainers'
 * reason, where no Docker engine runs. Image: {@value #DEFAULT_IMAGE}, or {@code -Dlocalstack.image=...}.
 */
@Testcontainers(disabledWithoutDocker = true)
class AwsLocalStackTest {
  static final String DEFAULT_IMAGE = "localstack/localstack:4.4";

  @Container
  static final LocalStackContainer LOCALSTACK = new LocalStackContainer(
      DockerImageName.parse(System.getProperty("localstack.image", DEFAULT_IMAGE))
          .asCompatibleSubstituteFor("localstack/localstack"))
      .withServices(LocalStackContainer.Service.SECRETSMANAGER);

  private SecretsManagerClient admin;
  private AwsSecretProvider provider;
  private String prefix;

  @BeforeEach
  void connect() {
    StaticCredentialsProvider creds = StaticCredentialsProvider.create(
        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
    admin = SecretsManagerClient.builder()
        .endpointOverride(LOCALSTACK.getEndpoint())
        .region(Region.of(LOCALSTACK.getRegion()))
        .credentialsProvider(creds)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
    provider = AwsSecretProvider.create(AwsSettings.of(LOCALSTACK.getRegion(), LOCALSTACK.getEndpoint()), creds);
    prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "/";
  }

  @AfterEach
  void close() {
    provider.close();
    admin.close();
  }

  private String create(String name, String value) {
    return admin.createSecret(b -> b.name(prefix + name).secretString(value)).versionId();
  }

  private static String text(SecretRecord r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }

  @Test
  void fetch_createdSecret_returnsValueAndVersion() {
    String v1 = create("db", "pw1");

    SecretRecord r = provider.fetch(prefix + "db");

    assertThat(text(r)).isEqualTo("pw1");
    assertThat(r.versionId()).isEqualTo(v1);
    assertThat(r.metadata().get("stages")).contains("AWSCURRENT");
  }

  @Test
  void put_thenVersionsAndStages_matchSecretsManager() {
    String v1 = create("db", "pw1");

    SecretRecord v2 = provider.put(prefix + "db", "pw2".getBytes(StandardCharsets.UTF_8));

    assertThat(text(provider.fetch(prefix + "db"))).isEqualTo("pw2");
    assertThat(text(provider.fetchVersion(prefix + "db", v1))).isEqualTo("pw1");
    assertThat(provider.fetchVersion(prefix + "db", "AWSPREVIOUS").versionId()).isEqualTo(v1);
    Map<String, List<String>> stages = admin.describeSecret(b -> b.secretId(prefix + "db")).versionIdsToStages();
    assertThat(stages.get(v2.versionId())).containsExactly("AWSCURRENT");
    assertThat(stages.get(v1)).containsExactly("AWSPREVIOUS");
  }

  @Test
  void stagePromote_localStack_removeFromVersionIdRefusesTheLoser() {
    String v1 = create("rot", "one");
    SecretRecord mine = provider.stage(prefix + "rot", v1, "mine".getBytes(StandardCharsets.UTF_8));
    assertThat(text(provider.fetch(prefix + "rot"))).isEqualTo("one");
    assertThat(text(provider.fetchStage(prefix + "rot", io.secretsbroker.VersionStage.PENDING))).isEqualTo("mine");
    admin.putSecretValue(b -> b.secretId(prefix + "rot").secretString("theirs")); // secrets-guard:allow test fixture value

    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> provider.promote(prefix + "rot", mine.versionId(), v1)))
        .isInstanceOf(io.secretsbroker.RotationConflictException.class);
    assertThat(text(provider.fetch(prefix + "rot"))).isEqualTo("theirs");

    String v2 = provider.fetch(prefix + "rot").versionId();
    SecretRecord next = provider.stage(prefix + "rot", v2, "next".getBytes(StandardCharsets.UTF_8));
    provider.promote(prefix + "rot", next.versionId(), v2);
    assertThat(text(provider.fetch(prefix + "rot"))).isEqualTo("next");
    assertThat(text(provider.fetchStage(prefix + "rot", io.secretsbroker.VersionStage.PREVIOUS))).isEqualTo("theirs");
  }

  @Test
  void fetchAll_batch_returnsFoundAndOmitsMissing() {
    create("a", "1");
    create("b", "2");

    Map<String, SecretRecord> all = provider.fetchAll(Set.of(prefix + "a", prefix + "b", prefix + "missing"));

    assertThat(all).containsOnlyKeys(prefix + "a", prefix + "b");
    assertThat(text(all.get(prefix + "b"))).isEqualTo("2");
  }

  @Test
  void rotationHandler_fourSteps_rotateEndToEnd() {
    String v1 = create("db", "pw1");
    List<String> seen = new CopyOnWriteArrayList<>();
    RotationHandler handler = RotationHandler.builder(provider)
        .generator(current -> "pw2".getBytes(StandardCharsets.UTF_8))
        .setSecret(ctx -> seen.add("set:" + ctx.pendingText()))
        .testSecret(ctx -> seen.add("test:" + ctx.pendingText()))
        .build();
    String token = UUID.randomUUID().toString();

    for (String step : List.of("createSecret", "createSecret", "setSecret", "testSecret", "finishSecret",
        "finishSecret")) {
      handler.handle(Map.of("SecretId", prefix + "db", "ClientRequestToken", token, "Step", step));
    }

    assertThat(seen).containsExactly("set:pw2", "test:pw2");
    assertThat(provider.fetch(prefix + "db").versionId()).isEqualTo(token);
    assertThat(provider.fetchVersion(prefix + "db", "AWSPREVIOUS").versionId()).isEqualTo(v1);
  }

  @Test
  void runningClient_picksUpRotationOnRefresh() throws Exception {
    create("db", "pw1");
    try (SecretsClient client = SecretsClient.builder().provider(
            AwsSecretProvider.create(AwsSettings.of(LOCALSTACK.getRegion(), LOCALSTACK.getEndpoint()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()))))
        .ambientConfiguration(false).property("secrets.guard", "off").build()) {
      assertThat(client.get(prefix + "db")).isEqualTo("pw1");
      CountDownLatch rotated = new CountDownLatch(1);
      List<SecretValue> seen = new CopyOnWriteArrayList<>();
      client.onRotate(prefix + "db", v -> {
        seen.add(v);
        rotated.countDown();
      });

      provider.put(prefix + "db", "pw2".getBytes(StandardCharsets.UTF_8));
      client.refresh(prefix + "db");

      assertThat(client.get(prefix + "db")).isEqualTo("pw2");
      assertThat(rotated.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(seen).singleElement().extracting(SecretValue::asString).isEqualTo("pw2");
    }
  }
}
