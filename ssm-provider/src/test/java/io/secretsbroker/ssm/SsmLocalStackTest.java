package io.secretsbroker.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.RotationConflictException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Against a real Parameter Store emulator (LocalStack in Docker). Skipped, with Testcontainers'
 * reason, where no Docker engine runs. Image: {@value #DEFAULT_IMAGE}, or {@code -Dlocalstack.image=...}.
 */
@Testcontainers(disabledWithoutDocker = true)
class SsmLocalStackTest {
  static final String DEFAULT_IMAGE = "localstack/localstack:4.4";

  @Container
  static final LocalStackContainer LOCALSTACK = new LocalStackContainer(
      DockerImageName.parse(System.getProperty("localstack.image", DEFAULT_IMAGE))
          .asCompatibleSubstituteFor("localstack/localstack"))
      .withServices(LocalStackContainer.Service.SSM);

  private SsmClient admin;
  private SsmSecretProvider provider;
  private String prefix;

  @BeforeEach
  void connect() {
    StaticCredentialsProvider creds = StaticCredentialsProvider.create(
        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
    admin = SsmClient.builder()
        .endpointOverride(LOCALSTACK.getEndpoint())
        .region(Region.of(LOCALSTACK.getRegion()))
        .credentialsProvider(creds)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
    provider = SsmSecretProvider.create(SsmSettings.of(LOCALSTACK.getRegion(), LOCALSTACK.getEndpoint()), creds);
    prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "/";
  }

  @AfterEach
  void close() {
    provider.close();
    admin.close();
  }

  private long put(String name, String value, ParameterType type) {
    return admin.putParameter(b -> b.name("/" + prefix + name).value(value).type(type).overwrite(true)).version();
  }

  private static String text(SecretRecord r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }

  @Test
  void fetch_secureStringAndStringList_decryptedAndJoined() {
    put("db", "pw1", ParameterType.SECURE_STRING);
    put("hosts", "a,b,c", ParameterType.STRING_LIST);

    assertThat(text(provider.fetch(prefix + "db"))).isEqualTo("pw1");
    assertThat(provider.fetch(prefix + "db").versionId()).isEqualTo("1");
    assertThat(text(provider.fetch(prefix + "hosts"))).isEqualTo("a,b,c");
  }

  @Test
  void fetchVersion_numberAndLabel() {
    put("db", "pw1", ParameterType.SECURE_STRING);
    put("db", "pw2", ParameterType.SECURE_STRING);
    admin.labelParameterVersion(b -> b.name("/" + prefix + "db").parameterVersion(1L).labels("blue"));

    assertThat(text(provider.fetchVersion(prefix + "db", "1"))).isEqualTo("pw1");
    assertThat(text(provider.fetchVersion(prefix + "db", "blue"))).isEqualTo("pw1");
    assertThat(catchThrowable(() -> provider.fetchVersion(prefix + "db", "9")))
        .isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void fetchAll_moreThanTen_returnsFoundAndOmitsMissing() {
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < 12; i++) {
      put("s" + i, "v" + i, ParameterType.SECURE_STRING);
      names.add(prefix + "s" + i);
    }
    names.add(prefix + "missing");

    Map<String, SecretRecord> all = provider.fetchAll(names);

    assertThat(all).hasSize(12).doesNotContainKey(prefix + "missing");
    assertThat(text(all.get(prefix + "s11"))).isEqualTo("v11");
  }

  @Test
  void stageAndPromote_endToEnd() {
    long v1 = put("db", "pw1", ParameterType.SECURE_STRING);

    SecretRecord pending = provider.stage(prefix + "db", Long.toString(v1), "pw2".getBytes(StandardCharsets.UTF_8));
    assertThat(text(provider.fetch(prefix + "db"))).isEqualTo("pw1");
    assertThat(text(provider.fetchStage(prefix + "db", VersionStage.PENDING))).isEqualTo("pw2");

    provider.promote(prefix + "db", pending.versionId(), Long.toString(v1));

    assertThat(text(provider.fetch(prefix + "db"))).isEqualTo("pw2");
    assertThat(text(provider.fetchStage(prefix + "db", VersionStage.PREVIOUS))).isEqualTo("pw1");
    assertThat(catchThrowable(() -> provider.fetchStage(prefix + "db", VersionStage.PENDING)))
        .isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void promote_afterForeignWrite_conflict() {
    long v1 = put("db", "pw1", ParameterType.SECURE_STRING);
    SecretRecord pending = provider.stage(prefix + "db", Long.toString(v1), "pw2".getBytes(StandardCharsets.UTF_8));
    put("db", "theirs", ParameterType.SECURE_STRING);

    assertThat(catchThrowable(() -> provider.promote(prefix + "db", pending.versionId(), Long.toString(v1))))
        .isInstanceOf(RotationConflictException.class);
    assertThat(text(provider.fetch(prefix + "db"))).isEqualTo("theirs");
  }
}
