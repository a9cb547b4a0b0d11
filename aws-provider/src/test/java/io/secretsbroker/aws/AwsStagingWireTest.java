package io.secretsbroker.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.secretsbroker.aws.FakeSecretsManager.awsError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.Rotation;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.RotationTarget;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The staged calls on the wire, as Secrets Manager receives them: {@code PutSecretValue} labelled
 * {@code AWSPENDING} with a {@code ClientRequestToken}, {@code UpdateSecretVersionStage} moving
 * {@code AWSCURRENT} with {@code RemoveFromVersionId}, and the {@code InvalidParameterException}
 * Secrets Manager answers when that version no longer holds the label.
 */
class AwsStagingWireTest {
  @RegisterExtension
  static final FakeSecretsManager AWS = new FakeSecretsManager();

  private static final byte[] OLD = "old-aws-password-91".getBytes(StandardCharsets.UTF_8); // secrets-guard:allow test fixture

  private AwsSecretProvider provider;
  private String v1;

  @BeforeEach
  void fresh() {
    provider = AWS.provider();
    v1 = AWS.seed("db", OLD);
  }

  @AfterEach
  void close() {
    provider.close();
  }

  private static String header() {
    return "X-Amz-Target";
  }

  @Test
  void stage_putSecretValueLabelledPendingWithToken_currentUntouched() {
    SecretRecord pending = provider.stage("db", v1, "candidate-value-1".getBytes(StandardCharsets.UTF_8));

    AWS.server().verify(postRequestedFor(urlEqualTo("/"))
        .withHeader(header(), equalTo("secretsmanager.PutSecretValue"))
        .withRequestBody(matchingJsonPath("$.SecretId", equalTo("db")))
        .withRequestBody(matchingJsonPath("$.VersionStages[0]", equalTo("AWSPENDING")))
        .withRequestBody(matchingJsonPath("$.ClientRequestToken", equalTo(pending.versionId()))));
    assertThat(AWS.stages("db")).containsEntry(v1, Set.of("AWSCURRENT"))
        .containsEntry(pending.versionId(), Set.of("AWSPENDING"));
  }

  @Test
  void promote_movesCurrentWithRemoveFromVersionId_thenDropsPendingLabel() {
    SecretRecord pending = provider.stage("db", v1, "candidate-value-2".getBytes(StandardCharsets.UTF_8));

    SecretRecord promoted = provider.promote("db", pending.versionId(), v1);

    AWS.server().verify(postRequestedFor(urlEqualTo("/"))
        .withHeader(header(), equalTo("secretsmanager.UpdateSecretVersionStage"))
        .withRequestBody(equalToJson("{\"SecretId\":\"db\",\"VersionStage\":\"AWSCURRENT\",\"MoveToVersionId\":\""
            + pending.versionId() + "\",\"RemoveFromVersionId\":\"" + v1 + "\"}")));
    AWS.server().verify(postRequestedFor(urlEqualTo("/"))
        .withHeader(header(), equalTo("secretsmanager.UpdateSecretVersionStage"))
        .withRequestBody(equalToJson("{\"SecretId\":\"db\",\"VersionStage\":\"AWSPENDING\",\"RemoveFromVersionId\":\""
            + pending.versionId() + "\"}")));
    assertThat(promoted.versionId()).isEqualTo(pending.versionId());
    assertThat(AWS.stages("db")).containsEntry(pending.versionId(), Set.of("AWSCURRENT"))
        .containsEntry(v1, Set.of("AWSPREVIOUS"));
  }

  @Test
  void promote_serviceRefusesTheMove_conflictNamingTheHolder() {
    SecretRecord pending = provider.stage("db", v1, "candidate-value-3".getBytes(StandardCharsets.UTF_8));
    String winner = AWS.seed("db", "winner-value".getBytes(StandardCharsets.UTF_8));

    Throwable t = catchThrowable(() -> provider.promote("db", pending.versionId(), v1));

    assertThat(t).isInstanceOf(RotationConflictException.class).hasMessageContaining(winner)
        .hasMessageContaining(v1).hasMessageNotContaining("winner-value");
    assertThat(AWS.stages("db")).containsEntry(winner, Set.of("AWSCURRENT"));
  }

  @Test
  void promote_invalidParameterAnswer_mappedToConflictNotAGenericError() {
    SecretRecord pending = provider.stage("db", v1, "candidate-value-4".getBytes(StandardCharsets.UTF_8));
    String winner = AWS.seed("db", "other-writer-value".getBytes(StandardCharsets.UTF_8));
    // the exact answer Secrets Manager gives for a RemoveFromVersionId that does not hold the label
    AWS.failOnce("UpdateSecretVersionStage", awsError(400, "InvalidParameterException",
        "The parameter RemoveFromVersionId can't be " + v1 + " because AWSCURRENT is attached to " + winner));

    assertThatThrownBy(() -> provider.promote("db", pending.versionId(), v1))
        .isInstanceOf(RotationConflictException.class).hasMessageContaining(winner);
  }

  @Test
  void stage_currentMovedOn_conflictBeforeAnyPut() {
    AWS.seed("db", "newer".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> provider.stage("db", v1, "late".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(RotationConflictException.class);
    assertThat(AWS.count("PutSecretValue")).isZero();
  }

  @Test
  void discardPending_removesTheLabelOnly_idempotent() {
    SecretRecord pending = provider.stage("db", v1, "candidate-value-5".getBytes(StandardCharsets.UTF_8));

    provider.discardPending("db", pending.versionId());
    provider.discardPending("db", pending.versionId());

    assertThat(AWS.stages("db")).containsEntry(v1, Set.of("AWSCURRENT")).containsEntry(pending.versionId(), Set.of());
  }

  @Test
  void fetchStage_pendingLabelLeftOnCurrent_isNoPending() {
    SecretRecord pending = provider.stage("db", v1, "candidate-value-6".getBytes(StandardCharsets.UTF_8));
    provider.moveCurrent("db", pending.versionId(), v1); // as AWS's own templates finish: AWSPENDING stays

    assertThatThrownBy(() -> provider.fetchStage("db", VersionStage.PENDING))
        .isInstanceOf(io.secretsbroker.SecretNotFoundException.class).hasMessageContaining("finished");
    assertThat(provider.fetchStage("db", VersionStage.PREVIOUS).value()).isEqualTo(OLD);
  }

  @Test
  void clientRotate_verifyFails_currentNeverMoved_noUpdateOfCurrentOnTheWire() {
    try (SecretsClient c = SecretsClient.builder().provider(provider).ambientConfiguration(false).build()) {
      assertThatThrownBy(() -> c.rotate("db", Rotation.builder().verify(v -> {
        throw new IllegalStateException("login failed");
      }).build())).isInstanceOf(RotationFailedException.class);
    }
    AWS.server().verify(0, postRequestedFor(urlEqualTo("/"))
        .withHeader(header(), equalTo("secretsmanager.UpdateSecretVersionStage"))
        .withRequestBody(matchingJsonPath("$.VersionStage", equalTo("AWSCURRENT"))));
    assertThat(AWS.stages("db")).containsEntry(v1, Set.of("AWSCURRENT"));
  }

  @Test
  void rotationHandler_withTarget_sameStepsAsPortableRotate_failedTestPutsCurrentBack() {
    provider = AWS.provider();
    List<String> applied = new ArrayList<>();
    RotationHandler handler = RotationHandler.builder(provider).target(new RotationTarget() {
      @Override
      public void apply(SecretValue candidate, SecretValue current) {
        applied.add(candidate.asString());
      }

      @Override
      public void verify(SecretValue candidate) {
        throw new IllegalStateException("login with the new password failed");
      }
    }).build();
    String token = UUID.randomUUID().toString();
    handler.handle(Map.of("SecretId", "db", "ClientRequestToken", token, "Step", "createSecret"));
    handler.handle(Map.of("SecretId", "db", "ClientRequestToken", token, "Step", "setSecret"));

    Throwable t = catchThrowable(() -> handler.handle(
        Map.of("SecretId", "db", "ClientRequestToken", token, "Step", "testSecret")));

    assertThat(t).isInstanceOf(RotationFailedException.class);
    String pending = new String(provider.fetchVersion("db", "AWSPENDING").value(), StandardCharsets.UTF_8);
    assertThat(applied).containsExactly(pending, new String(OLD, StandardCharsets.UTF_8));
    assertThat(AWS.stages("db")).containsEntry(v1, Set.of("AWSCURRENT"));
  }

  @Test
  void finishSecretMove_currentMovedBetweenReadAndMove_conflictNamingWinner() {
    RotationHandler handler = RotationHandler.builder(provider).setSecret(ctx -> { }).testSecret(ctx -> { }).build();
    String token = UUID.randomUUID().toString();
    handler.handle(Map.of("SecretId", "db", "ClientRequestToken", token, "Step", "createSecret"));
    // a second writer moves AWSCURRENT between the step's read and its move
    AWS.failOnce("UpdateSecretVersionStage", awsError(400, "InvalidParameterException",
        "AWSCURRENT is not attached to " + v1));
    String winner = AWS.seed("db", "someone-else".getBytes(StandardCharsets.UTF_8));

    Throwable t = catchThrowable(() -> provider.moveCurrent("db", token, v1));

    assertThat(t).isInstanceOf(RotationConflictException.class).hasMessageContaining(winner);
  }
}
