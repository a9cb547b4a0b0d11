package io.secretsbroker.aws;

import static io.secretsbroker.aws.FakeSecretsManager.awsError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.SecretsException;
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

/** The four rotation steps against the fake, one at a time, including retried steps. */
class RotationHandlerTest {
  @RegisterExtension
  static final FakeSecretsManager AWS = new FakeSecretsManager();

  private AwsSecretProvider provider;
  private final List<String> setCalls = new ArrayList<>();
  private final List<String> testCalls = new ArrayList<>();
  private RotationHandler handler;
  private String token;
  private String v1;

  @BeforeEach
  void fresh() {
    provider = AWS.provider();
    handler = RotationHandler.builder(provider)
        .generator(current -> ("next-after-" + new String(current.value(), StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8))
        .setSecret(ctx -> setCalls.add(ctx.currentText() + "->" + ctx.pendingText()))
        .testSecret(ctx -> testCalls.add(ctx.pendingText()))
        .build();
    v1 = AWS.seed("db", "pw1".getBytes(StandardCharsets.UTF_8));
    token = UUID.randomUUID().toString();
  }

  @AfterEach
  void close() {
    provider.close();
  }

  private Map<String, String> event(String step) {
    return Map.of("SecretId", "db", "ClientRequestToken", token, "Step", step);
  }

  private String current() {
    return new String(provider.fetch("db").value(), StandardCharsets.UTF_8);
  }

  @Test
  void createSecret_storesGeneratedValueAsPending() {
    handler.handle(event("createSecret"));

    assertThat(AWS.stages("db")).containsEntry(token, Set.of("AWSPENDING")).containsEntry(v1, Set.of("AWSCURRENT"));
    assertThat(new String(provider.fetchVersion("db", "AWSPENDING").value(), StandardCharsets.UTF_8))
        .isEqualTo("next-after-pw1");
    assertThat(current()).isEqualTo("pw1");
  }

  @Test
  void createSecret_retried_writesOnce() {
    handler.handle(event("createSecret"));
    handler.handle(event("createSecret"));

    assertThat(AWS.count("PutSecretValue")).isEqualTo(1);
    assertThat(AWS.stages("db")).hasSize(2);
  }

  @Test
  void createSecret_afterFailedPut_retrySucceeds() {
    AWS.failOnce("PutSecretValue", awsError(500, "InternalServiceError", "boom"));

    Throwable first = catchThrowable(() -> handler.handle(event("createSecret")));
    handler.handle(event("createSecret"));

    assertThat(first).isInstanceOf(ProviderUnavailableException.class);
    assertThat(AWS.stages("db")).containsEntry(token, Set.of("AWSPENDING"));
  }

  @Test
  void setSecret_passesCurrentAndPendingToCallback() {
    handler.handle(event("createSecret"));

    handler.handle(event("setSecret"));

    assertThat(setCalls).containsExactly("pw1->next-after-pw1");
    assertThat(current()).isEqualTo("pw1");
  }

  @Test
  void testSecret_callbackFails_throwsRotationFailedAndCurrentUntouched() {
    RotationHandler failing = RotationHandler.builder(provider)
        .setSecret(ctx -> { })
        .testSecret(ctx -> {
          throw new IllegalStateException("login refused");
        })
        .build();
    failing.handle(event("createSecret"));

    Throwable t = catchThrowable(() -> failing.handle(event("testSecret")));

    assertThat(t).isInstanceOf(RotationFailedException.class).hasMessageContaining("testSecret")
        .hasMessageContaining("db");
    assertThat(provider.fetch("db").versionId()).isEqualTo(v1);
  }

  @Test
  void finishSecret_promotesPendingAndLeavesPrevious() {
    handler.handle(event("createSecret"));
    handler.handle(event("setSecret"));
    handler.handle(event("testSecret"));

    handler.handle(event("finishSecret"));

    assertThat(current()).isEqualTo("next-after-pw1");
    assertThat(AWS.stages("db").get(v1)).containsExactly("AWSPREVIOUS");
    assertThat(AWS.stages("db").get(token)).contains("AWSCURRENT");
    assertThat(testCalls).containsExactly("next-after-pw1");
  }

  @Test
  void finishSecret_retried_isNoOpAndLaterStepsToo() {
    handler.handle(event("createSecret"));
    handler.handle(event("finishSecret"));
    int updates = AWS.count("UpdateSecretVersionStage");

    handler.handle(event("finishSecret"));
    handler.handle(event("setSecret"));

    assertThat(AWS.count("UpdateSecretVersionStage")).isEqualTo(updates).isEqualTo(1);
    assertThat(setCalls).isEmpty();
    assertThat(current()).isEqualTo("next-after-pw1");
  }

  @Test
  void handle_missingField_rejectedNamingIt() {
    assertThat(catchThrowable(() -> handler.handle(Map.of("SecretId", "db", "Step", "createSecret"))))
        .isInstanceOf(SecretsException.class).hasMessageContaining("ClientRequestToken");
  }

  @Test
  void handle_unknownStep_rejected() {
    assertThat(catchThrowable(() -> handler.handle(event("deleteSecret")))).isInstanceOf(SecretsException.class)
        .hasMessageContaining("deleteSecret");
  }

  @Test
  void setSecret_withoutPendingVersion_throwsNotFound() {
    assertThat(catchThrowable(() -> handler.handle(event("setSecret"))))
        .isInstanceOf(io.secretsbroker.SecretNotFoundException.class);
    assertThat(setCalls).isEmpty();
  }

  @Test
  void build_withoutCallbacks_rejected() {
    assertThat(catchThrowable(() -> RotationHandler.builder(provider).setSecret(ctx -> { }).build()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("testSecret");
  }

  @Test
  void defaultGenerator_makes32RandomCharacters() {
    RotationHandler plain = RotationHandler.builder(provider).setSecret(ctx -> { }).testSecret(ctx -> { }).build();

    plain.handle(event("createSecret"));

    assertThat(new String(provider.fetchVersion("db", "AWSPENDING").value(), StandardCharsets.UTF_8))
        .matches("[A-Za-z0-9]{32}");
  }
}
