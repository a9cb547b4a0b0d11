package io.secretsbroker.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.secretsbroker.aws.FakeSecretsManager.awsError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.http.Fault;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Wire-level behaviour of the driver beyond the contract: faults, error mapping, stages, batches. */
class AwsSecretProviderTest {
  private static final String SECRET = "s3ntinel-Value-7f1c9e";
  @RegisterExtension
  static final FakeSecretsManager AWS = new FakeSecretsManager();

  private AwsSecretProvider provider;

  @BeforeEach
  void fresh() {
    provider = AWS.provider();
  }

  @AfterEach
  void close() {
    provider.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void assertNoValueIn(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      assertThat(c.toString()).doesNotContain(SECRET);
      for (Throwable s : c.getSuppressed()) {
        assertThat(s.toString()).doesNotContain(SECRET);
      }
    }
  }

  @Test
  void fetch_throttled_throwsProviderUnavailableAndDoesNotRetryInsideTheSdk() {
    AWS.seed("db", utf8(SECRET));
    AWS.stubFor("GetSecretValue", awsError(400, "ThrottlingException", "Rate exceeded"));

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("db")
        .hasMessageContaining("ThrottlingException");
    assertThat(AWS.count("GetSecretValue")).as("SDK retries are off: the client retries").isEqualTo(1);
  }

  @Test
  void fetch_internalServiceError500_throwsProviderUnavailable() {
    AWS.stubFor("GetSecretValue", awsError(500, "InternalServiceError", "An error occurred on the server side."));

    assertThat(catchThrowable(() -> provider.fetch("db"))).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("InternalServiceError");
  }

  @Test
  void fetch_bare503WithoutAwsBody_throwsProviderUnavailable() {
    AWS.stubFor("GetSecretValue", aResponse().withStatus(503).withBody("<html>Service Unavailable</html>"));

    assertThat(catchThrowable(() -> provider.fetch("db"))).isInstanceOf(ProviderUnavailableException.class);
  }

  @Test
  void fetch_responseSlowerThanReadTimeout_throwsProviderUnavailable() {
    provider.close();
    provider = AWS.provider(AWS.settings().withReadTimeout(Duration.ofMillis(200)));
    AWS.seed("db", utf8(SECRET));
    AWS.stubFor("GetSecretValue", aResponse().withStatus(200).withFixedDelay(3_000)
        .withHeader("Content-Type", FakeSecretsManager.JSON_11).withBody("{}"));

    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("db");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
  }

  @Test
  void fetch_connectionReset_throwsProviderUnavailable() {
    AWS.stubFor("GetSecretValue", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("db");
  }

  @Test
  void fetch_unparseableAnswer_isNotReportedAsANetworkProblem() {
    AWS.stubFor("GetSecretValue", aResponse().withStatus(200)
        .withHeader("Content-Type", "application/x-amz-json-1.1").withBody("<html>captive portal</html>"));

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("could not be parsed")
        .hasMessageContaining("'db'");
    assertThat(t.getMessage()).doesNotContain("Could not reach");
  }

  @Test
  void fetch_garbageResponse_throwsProviderUnavailable() {
    AWS.stubFor("GetSecretValue", aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE));

    assertThat(catchThrowable(() -> provider.fetch("db"))).isInstanceOf(ProviderUnavailableException.class);
  }

  @Test
  void fetch_accessDenied_namesGetSecretValueAction() {
    AWS.seed("db", utf8(SECRET));
    AWS.deny("db");

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("secretsmanager:GetSecretValue").hasMessageContaining("'db'");
    assertNoValueIn(t);
  }

  @Test
  void fetch_kmsDecryptionFailure_namesKmsDecrypt() {
    AWS.seed("db", utf8(SECRET));
    AWS.failDecryption("db");

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("kms:Decrypt");
    assertNoValueIn(t);
  }

  @Test
  void fetch_scheduledForDeletion_throwsNotFound() {
    AWS.seed("old", utf8(SECRET));
    AWS.scheduleDeletion("old");

    assertThat(catchThrowable(() -> provider.fetch("old"))).isInstanceOf(SecretNotFoundException.class)
        .hasMessageContaining("scheduled for deletion");
  }

  @Test
  void fetch_unknownCredentials_throwsAccessDeniedNamingCredentials() {
    AWS.stubFor("GetSecretValue", awsError(400, "UnrecognizedClientException",
        "The security token included in the request is invalid."));

    assertThat(catchThrowable(() -> provider.fetch("db"))).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("credentials");
  }

  @Test
  void fetch_invalidParameter_throwsPlainSecretsExceptionNotRetryable() {
    AWS.stubFor("GetSecretValue", awsError(400, "InvalidParameterException", "bad id"));

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isExactlyInstanceOf(SecretsException.class).hasMessageContaining("InvalidParameterException");
  }

  @Test
  void fetch_readsConfiguredStage() {
    String v1 = AWS.seed("db", utf8("one"));
    provider.putPending("db", utf8("two"), UUID.randomUUID().toString());
    provider.close();
    provider = AWS.provider(AWS.settings().withStage(AwsSecretProvider.AWSPENDING));

    SecretRecord pending = provider.fetch("db");

    assertThat(new String(pending.value(), StandardCharsets.UTF_8)).isEqualTo("two");
    assertThat(pending.versionId()).isNotEqualTo(v1);
  }

  @Test
  void fetch_metadataCarriesStagesAndArn() {
    AWS.seed("db", utf8("one"));

    SecretRecord r = provider.fetch("db");

    assertThat(r.metadata()).containsEntry("stages", "AWSCURRENT").containsKey("arn");
    assertThat(r.createdOn()).isNotNull();
  }

  @Test
  void fetchVersion_stageName_readsThatStage() {
    String v1 = AWS.seed("db", utf8("one"));
    AWS.seed("db", utf8("two"));

    SecretRecord previous = provider.fetchVersion("db", "AWSPREVIOUS");

    assertThat(previous.versionId()).isEqualTo(v1);
    assertThat(previous.metadata()).containsEntry("stages", "AWSPREVIOUS");
  }

  @Test
  void fetchAll_45Names_sendsThreeBatchesOfAtMost20() {
    List<String> names = IntStream.range(0, 45).mapToObj(i -> "s" + i).toList();
    names.forEach(n -> AWS.seed(n, utf8("v-" + n)));

    Map<String, SecretRecord> all = provider.fetchAll(new LinkedHashSet<>(names));

    assertThat(all).hasSize(45);
    assertThat(new String(all.get("s44").value(), StandardCharsets.UTF_8)).isEqualTo("v-s44");
    assertThat(AWS.count("BatchGetSecretValue")).isEqualTo(3);
    assertThat(AWS.count("GetSecretValue")).isZero();
  }

  @Test
  void fetchAll_partialErrors_throwsTheDeniedOneAndNamesIt() {
    AWS.seed("a", utf8("value-a"));
    AWS.seed("locked", utf8(SECRET));
    AWS.deny("locked");
    AWS.seed("undecryptable", utf8(SECRET));
    AWS.failDecryption("undecryptable");

    Throwable t = catchThrowable(() -> provider.fetchAll(new LinkedHashSet<>(
        List.of("a", "missing", "locked", "undecryptable"))));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("'locked'");
    assertThat(t.getSuppressed()).singleElement().extracting(Throwable::getMessage).asString()
        .contains("undecryptable");
    assertNoValueIn(t);
    assertThat(AWS.count("BatchGetSecretValue")).isEqualTo(1);
  }

  @Test
  void fetchAll_batchCallDenied_fallsBackToGetSecretValueAndRemembers() {
    AWS.seed("a", utf8("value-a"));
    AWS.seed("b", utf8("value-b"));
    AWS.stubFor("BatchGetSecretValue", awsError(400, "AccessDeniedException",
        "not authorized to perform: secretsmanager:BatchGetSecretValue"));

    Map<String, SecretRecord> first = provider.fetchAll(Set.of("a", "b", "missing"));
    Map<String, SecretRecord> second = provider.fetchAll(Set.of("a"));

    assertThat(first).containsOnlyKeys("a", "b");
    assertThat(second).containsOnlyKeys("a");
    assertThat(AWS.count("BatchGetSecretValue")).isEqualTo(1);
    assertThat(AWS.count("GetSecretValue")).isEqualTo(4);
  }

  @Test
  void fetchAll_nonCurrentStage_readsPerName() {
    AWS.seed("a", utf8("one"));
    AWS.seed("a", utf8("two"));
    provider.close();
    provider = AWS.provider(AWS.settings().withStage(AwsSecretProvider.AWSPREVIOUS));

    Map<String, SecretRecord> all = provider.fetchAll(Set.of("a"));

    assertThat(new String(all.get("a").value(), StandardCharsets.UTF_8)).isEqualTo("one");
    assertThat(AWS.count("BatchGetSecretValue")).isZero();
  }

  @Test
  void fetchAll_throttledBatch_throwsProviderUnavailable() {
    AWS.seed("a", utf8("one"));
    AWS.stubFor("BatchGetSecretValue", awsError(400, "ThrottlingException", "Rate exceeded"));

    assertThat(catchThrowable(() -> provider.fetchAll(Set.of("a")))).isInstanceOf(ProviderUnavailableException.class);
  }

  @Test
  void put_oversizedValue_rejectedBeforeAnyCall() {
    AWS.seed("big", utf8("small"));

    Throwable t = catchThrowable(() -> provider.put("big", new byte[AwsSecretProvider.MAX_VALUE_BYTES + 1]));

    assertThat(t).isInstanceOf(SecretsException.class).hasMessageContaining("65536");
    assertThat(AWS.server().getAllServeEvents()).isEmpty();
  }

  @Test
  void put_maximumSizeValue_isWritten() {
    AWS.seed("big", utf8("small"));
    byte[] max = utf8("x".repeat(AwsSecretProvider.MAX_VALUE_BYTES));

    provider.put("big", max);

    assertThat(provider.fetch("big").value()).hasSize(AwsSecretProvider.MAX_VALUE_BYTES);
  }

  @Test
  void put_stagesPendingThenPromotes_leavingCleanLabels() {
    String v1 = AWS.seed("db", utf8("old"));

    SecretRecord written = provider.put("db", utf8("new-" + SECRET));

    assertThat(AWS.stages("db")).containsEntry(v1, Set.of("AWSPREVIOUS"))
        .containsEntry(written.versionId(), Set.of("AWSCURRENT"));
    assertThat(AWS.count("PutSecretValue")).isEqualTo(1);
    assertThat(AWS.count("UpdateSecretVersionStage")).isEqualTo(2);
    assertThat(written.toString()).doesNotContain(SECRET);
  }

  @Test
  void putPending_withoutPromote_leavesCurrentUntouched() {
    String v1 = AWS.seed("db", utf8("old"));

    SecretRecord pending = provider.putPending("db", utf8("candidate"), UUID.randomUUID().toString());

    assertThat(provider.fetch("db").versionId()).isEqualTo(v1);
    assertThat(AWS.stages("db")).containsEntry(pending.versionId(), Set.of("AWSPENDING"));
  }

  @Test
  void putPending_sameTokenTwice_createsOneVersion() {
    AWS.seed("db", utf8("old"));
    String token = UUID.randomUUID().toString();

    provider.putPending("db", utf8("candidate"), token);
    provider.putPending("db", utf8("candidate"), token);

    assertThat(AWS.stages("db")).hasSize(2).containsEntry(token, Set.of("AWSPENDING"));
  }

  @Test
  void promote_alreadyCurrent_isNoOp() {
    String v1 = AWS.seed("db", utf8("old"));

    provider.promote("db", v1);

    assertThat(AWS.count("UpdateSecretVersionStage")).isZero();
  }

  @Test
  void put_binaryValue_sentAsSecretBinary() {
    AWS.seed("bin", utf8("old"));
    byte[] binary = {(byte) 0xff, 0, (byte) 0xfe};

    provider.put("bin", binary);

    assertThat(AWS.server().getAllServeEvents().stream()
        .map(e -> e.getRequest().getBodyAsString()).collect(Collectors.joining()))
        .contains("\"SecretBinary\":\"/wD+\"");
  }

  @Test
  void put_missingSecret_throwsNotFound() {
    assertThat(catchThrowable(() -> provider.put("nope", utf8("x")))).isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void fetch_afterClose_throwsSecretsException() {
    provider.close();

    assertThat(catchThrowable(() -> provider.fetch("db"))).isInstanceOf(SecretsException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void toString_namesRegionAndStage() {
    assertThat(provider.toString()).contains("us-east-1").contains("AWSCURRENT");
    assertThat(provider.id()).startsWith("aws:us-east-1");
  }
}
