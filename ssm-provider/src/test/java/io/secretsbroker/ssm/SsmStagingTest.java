package io.secretsbroker.ssm;

import static io.secretsbroker.ssm.FakeParameterStore.awsError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.SecretFormatException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The staged rotation SPI on Parameter Store: the candidate lives in {@code <name>.pending}, the
 * parameter itself changes only on promotion, and every compare-and-set failure (at stage, at
 * promote, and a writer slipping between promote's check and its write, forced deterministically
 * with {@link FakeParameterStore#beforeNextPut}) is a {@link RotationConflictException}.
 */
class SsmStagingTest {
  @RegisterExtension
  static final FakeParameterStore SSM = new FakeParameterStore();

  private static final String OLD = "old-s3ntinel-0a1b";
  private static final String NEW = "new-s3ntinel-9f8e";
  private static final String THEIRS = "theirs-s3ntinel-77c2";

  private SsmSecretProvider provider;

  @BeforeEach
  void open() {
    provider = SSM.provider(SSM.settings().withKmsKey("alias/orders"));
  }

  @AfterEach
  void close() {
    provider.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(SecretRecord r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }

  private static void assertNoValueIn(Throwable t) {
    assertThat(t).isInstanceOf(SecretsException.class);
    for (Throwable c = t; c != null; c = c.getCause()) {
      for (String v : List.of(OLD, NEW, THEIRS)) {
        assertThat(String.valueOf(c.getMessage())).doesNotContain(v);
        assertThat(c.toString()).doesNotContain(v);
      }
    }
  }

  private long putsTo(String fullName) {
    return SSM.requests("PutParameter").stream().filter(b -> b.get("Name").asText().equals(fullName)).count();
  }

  @Test
  void supportsStaging_isTrue() {
    assertThat(provider.supportsStaging()).isTrue();
  }

  @Test
  void stage_writesSiblingOnly_currentReadersSeeOldValue() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");

    SecretRecord pending = provider.stage("prod/db", v1, utf8(NEW));

    assertThat(pending.versionId()).isEqualTo("pending:1");
    assertThat(pending.toString()).doesNotContain(NEW);
    assertThat(text(provider.fetch("prod/db"))).isEqualTo(OLD);
    assertThat(provider.fetch("prod/db").versionId()).isEqualTo(v1);
    SecretRecord read = provider.fetchStage("prod/db", VersionStage.PENDING);
    assertThat(text(read)).isEqualTo(NEW);
    assertThat(read.versionId()).isEqualTo("pending:1");
    assertThat(text(provider.fetchVersion("prod/db", "pending:1"))).isEqualTo(NEW);
    JsonNode put = SSM.requests("PutParameter").get(0);
    assertThat(put.get("Name").asText()).isEqualTo("/prod/db.pending");
    assertThat(put.get("Type").asText()).isEqualTo("SecureString");
    assertThat(put.get("KeyId").asText()).isEqualTo("alias/orders");
    assertThat(put.get("Overwrite").asBoolean()).isTrue();
    assertThat(putsTo("/prod/db")).isZero();
  }

  @Test
  void stage_again_replacesEarlierCandidate() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");
    provider.stage("prod/db", v1, utf8("first"));

    SecretRecord second = provider.stage("prod/db", v1, utf8(NEW));

    assertThat(second.versionId()).isEqualTo("pending:2");
    assertThat(text(provider.fetchStage("prod/db", VersionStage.PENDING))).isEqualTo(NEW);
  }

  @Test
  void stage_currentMovedOn_conflictAndNothingWritten() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");
    SSM.seed("prod/db", THEIRS, "SecureString");

    Throwable t = catchThrowable(() -> provider.stage("prod/db", v1, utf8(NEW)));

    assertThat(t).isInstanceOf(RotationConflictException.class).hasMessageContaining("version 2, not 1");
    assertNoValueIn(t);
    assertThat(SSM.count("PutParameter")).isZero();
  }

  @Test
  void stage_missingParameter_notFoundAndNothingCreated() {
    assertThat(catchThrowable(() -> provider.stage("prod/db", "1", utf8(NEW))))
        .isInstanceOf(SecretNotFoundException.class);
    assertThat(SSM.count("PutParameter")).isZero();
  }

  @Test
  void stage_binaryOrOversizedValue_refusedBeforeAnyCall() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");

    assertThat(catchThrowable(() -> provider.stage("prod/db", v1, new byte[] {0, (byte) 0xff, (byte) 0xfe})))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("UTF-8");
    assertThat(catchThrowable(() -> provider.stage("prod/db", v1, new byte[8193])))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("8192");
    assertThat(SSM.count("GetParameter") + SSM.count("PutParameter")).isZero();
  }

  @Test
  void stage_nullArguments_npeNamingThem() {
    assertThat(catchThrowable(() -> provider.stage("prod/db", null, utf8(NEW))))
        .isInstanceOf(NullPointerException.class).hasMessage("expectedCurrentVersionId");
    assertThat(catchThrowable(() -> provider.stage("prod/db", "1", null)))
        .isInstanceOf(NullPointerException.class).hasMessage("value");
    assertThat(catchThrowable(() -> provider.promote("prod/db", null, "1")))
        .isInstanceOf(NullPointerException.class).hasMessage("pendingVersionId");
    assertThat(catchThrowable(() -> provider.fetchStage("prod/db", null)))
        .isInstanceOf(NullPointerException.class).hasMessage("stage");
  }

  @Test
  void promote_candidateBecomesCurrent_previousIsOld_siblingDeleted() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");
    SecretRecord pending = provider.stage("prod/db", v1, utf8(NEW));

    SecretRecord promoted = provider.promote("prod/db", pending.versionId(), v1);

    assertThat(promoted.versionId()).isEqualTo("2");
    assertThat(text(promoted)).isEqualTo(NEW);
    SecretRecord current = provider.fetchStage("prod/db", VersionStage.CURRENT);
    assertThat(current.versionId()).isEqualTo("2");
    assertThat(text(current)).isEqualTo(NEW);
    SecretRecord previous = provider.fetchStage("prod/db", VersionStage.PREVIOUS);
    assertThat(previous.versionId()).isEqualTo("1");
    assertThat(text(previous)).isEqualTo(OLD);
    assertThat(catchThrowable(() -> provider.fetchStage("prod/db", VersionStage.PENDING)))
        .isInstanceOf(SecretNotFoundException.class);
    assertThat(SSM.parameter("/prod/db.pending")).isNull();
    JsonNode write = SSM.requests("PutParameter").get(1);
    assertThat(write.get("Name").asText()).isEqualTo("/prod/db");
    assertThat(write.get("KeyId").asText()).isEqualTo("alias/orders");
  }

  @Test
  void promote_keepsTheParametersType() {
    String v1 = SSM.seed("prod/hosts", "a,b", "StringList");
    SecretRecord pending = provider.stage("prod/hosts", v1, utf8("a,b,c"));

    provider.promote("prod/hosts", pending.versionId(), v1);

    assertThat(SSM.parameter("/prod/hosts").latest().type).isEqualTo("StringList");
    assertThat(SSM.requests("PutParameter").get(1).has("KeyId")).isFalse();
    assertThat(text(provider.fetch("prod/hosts"))).isEqualTo("a,b,c");
  }

  @Test
  void promote_currentMovedOnSinceStage_conflictAndParameterUntouched() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");
    SecretRecord pending = provider.stage("prod/db", v1, utf8(NEW));
    SSM.seed("prod/db", THEIRS, "SecureString");

    Throwable t = catchThrowable(() -> provider.promote("prod/db", pending.versionId(), v1));

    assertThat(t).isInstanceOf(RotationConflictException.class).hasMessageContaining("version 2");
    assertNoValueIn(t);
    assertThat(putsTo("/prod/db")).isZero();
    assertThat(text(provider.fetch("prod/db"))).isEqualTo(THEIRS);
    assertThat(text(provider.fetchStage("prod/db", VersionStage.PENDING))).isEqualTo(NEW);
  }

  @Test
  void promote_candidateReplacedByNewerStage_conflict() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");
    SecretRecord first = provider.stage("prod/db", v1, utf8("first"));
    provider.stage("prod/db", v1, utf8(NEW));

    Throwable t = catchThrowable(() -> provider.promote("prod/db", first.versionId(), v1));

    assertThat(t).isInstanceOf(RotationConflictException.class).hasMessageContaining("pending:2");
    assertThat(putsTo("/prod/db")).isZero();
  }

  /** A writer slips in between promote's version check and its write: detected from the version number. */
  @Test
  void promote_writerBetweenCheckAndWrite_theirValueRestoredAndConflict() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");
    SecretRecord pending = provider.stage("prod/db", v1, utf8(NEW));
    SSM.beforeNextPut("/prod/db", () -> SSM.seed("prod/db", THEIRS, "SecureString"));

    Throwable t = catchThrowable(() -> provider.promote("prod/db", pending.versionId(), v1));

    assertThat(t).isInstanceOf(RotationConflictException.class).hasMessageContaining("version 2")
        .hasMessageContaining("version 4");
    assertNoValueIn(t);
    SecretRecord current = provider.fetch("prod/db");
    assertThat(current.versionId()).isEqualTo("4");
    assertThat(text(current)).isEqualTo(THEIRS);
    assertThat(text(provider.fetchVersion("prod/db", "3"))).isEqualTo(NEW);
    assertThat(text(provider.fetchStage("prod/db", VersionStage.PENDING))).isEqualTo(NEW);
  }

  @Test
  void promote_repairFails_rotationFailedSayingWhatHoldsCurrent() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");
    SecretRecord pending = provider.stage("prod/db", v1, utf8(NEW));
    SSM.beforeNextPut("/prod/db", () -> {
      SSM.seed("prod/db", THEIRS, "SecureString");
      SSM.failOnce("PutParameter", awsError(500, "InternalServerError", "internal"));
    });

    Throwable t = catchThrowable(() -> provider.promote("prod/db", pending.versionId(), v1));

    assertThat(t).isInstanceOf(RotationFailedException.class).isNotInstanceOf(RotationConflictException.class)
        .hasMessageContaining("candidate holds current").hasMessageContaining("get-parameter-history");
    assertNoValueIn(t);
  }

  @Test
  void promote_notAPendingId_refused() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");

    assertThat(catchThrowable(() -> provider.promote("prod/db", "2", v1)))
        .isInstanceOf(RotationFailedException.class).hasMessageContaining("pending:N");
  }

  @Test
  void promote_deleteOfSiblingDenied_stillPromoted() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");
    SecretRecord pending = provider.stage("prod/db", v1, utf8(NEW));
    SSM.stubFor("DeleteParameter", awsError(400, "AccessDeniedException", "not authorized to perform:"
        + " ssm:DeleteParameter"));

    SecretRecord promoted = provider.promote("prod/db", pending.versionId(), v1);

    assertThat(text(provider.fetch("prod/db"))).isEqualTo(NEW);
    assertThat(promoted.versionId()).isEqualTo("2");
  }

  /** A retry of a promotion whose write landed (answer lost, or the sibling's delete failed) completes. */
  @Test
  void promote_repeatedAfterItsWriteLanded_completesInsteadOfConflict() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");
    SecretRecord pending = provider.stage("prod/db", v1, utf8(NEW));
    SSM.failOnce("DeleteParameter", awsError(500, "InternalServerError", "internal"));
    provider.promote("prod/db", pending.versionId(), v1);

    SecretRecord again = provider.promote("prod/db", pending.versionId(), v1);

    assertThat(again.versionId()).isEqualTo("2");
    assertThat(putsTo("/prod/db")).isEqualTo(1);
    assertThat(SSM.parameter("/prod/db.pending")).isNull();
    assertThat(text(provider.fetch("prod/db"))).isEqualTo(NEW);
  }

  /** Someone else wrote the candidate's exact value? Still only "already promoted" if it is expected + 1. */
  @Test
  void promote_currentTwoAheadWithSameValue_stillConflict() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");
    SecretRecord pending = provider.stage("prod/db", v1, utf8(NEW));
    SSM.seed("prod/db", "other", "SecureString");
    SSM.seed("prod/db", NEW, "SecureString");

    assertThat(catchThrowable(() -> provider.promote("prod/db", pending.versionId(), v1)))
        .isInstanceOf(RotationConflictException.class);
    assertThat(putsTo("/prod/db")).isZero();
  }

  @Test
  void discardPending_deletesCandidate_idempotent_currentUntouched() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");
    SecretRecord pending = provider.stage("prod/db", v1, utf8(NEW));

    provider.discardPending("prod/db", pending.versionId());
    provider.discardPending("prod/db", pending.versionId());

    assertThat(SSM.parameter("/prod/db.pending")).isNull();
    assertThat(text(provider.fetch("prod/db"))).isEqualTo(OLD);
    assertThat(SSM.count("DeleteParameter")).isEqualTo(1);
  }

  @Test
  void discardPending_newerCandidate_leftAlone() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");
    SecretRecord first = provider.stage("prod/db", v1, utf8("first"));
    provider.stage("prod/db", v1, utf8(NEW));

    provider.discardPending("prod/db", first.versionId());

    assertThat(text(provider.fetchStage("prod/db", VersionStage.PENDING))).isEqualTo(NEW);
    assertThat(SSM.count("DeleteParameter")).isZero();
  }

  @Test
  void fetchStage_previousOfFirstVersion_notFound() {
    SSM.seed("prod/db", OLD, "SecureString");

    assertThat(catchThrowable(() -> provider.fetchStage("prod/db", VersionStage.PREVIOUS)))
        .isInstanceOf(SecretNotFoundException.class).hasMessageContaining("PREVIOUS");
  }

  @Test
  void fetchStage_previous_isVersionBelowCurrent() {
    SSM.seed("prod/db", "one", "SecureString");
    SSM.seed("prod/db", "two", "SecureString");
    SSM.seed("prod/db", "three", "SecureString");

    SecretRecord previous = provider.fetchStage("prod/db", VersionStage.PREVIOUS);

    assertThat(previous.versionId()).isEqualTo("2");
    assertThat(text(previous)).isEqualTo("two");
  }

  @Test
  void fetchStage_pendingWithoutCandidate_notFound() {
    SSM.seed("prod/db", OLD, "SecureString");

    assertThat(catchThrowable(() -> provider.fetchStage("prod/db", VersionStage.PENDING)))
        .isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void put_existingParameter_keepsType_newOneIsSecureString() {
    SSM.seed("prod/url", "https://a.example.com", "String");

    SecretRecord written = provider.put("prod/url", utf8("https://b.example.com"));
    provider.put("prod/fresh", utf8(NEW));

    assertThat(written.versionId()).isEqualTo("2");
    assertThat(SSM.parameter("/prod/url").latest().type).isEqualTo("String");
    assertThat(SSM.parameter("/prod/fresh").latest().type).isEqualTo("SecureString");
    assertThat(SSM.parameter("/prod/fresh").keyId).isEqualTo("alias/orders");
    assertThat(SSM.requests("GetParameter")).allSatisfy(b -> assertThat(b.get("WithDecryption").asBoolean()).isFalse());
  }

  @Test
  void stage_kmsEncryptDenied_accessDeniedNamingEncrypt() {
    String v1 = SSM.seed("prod/db", OLD, "SecureString");
    SSM.stubFor("PutParameter", awsError(400, "KMSAccessDeniedException", "denied"));

    Throwable t = catchThrowable(() -> provider.stage("prod/db", v1, utf8(NEW)));

    assertThat(t).isInstanceOf(io.secretsbroker.SecretAccessDeniedException.class)
        .hasMessageContaining("kms:Encrypt").hasMessageContaining("alias/orders");
    assertNoValueIn(t);
  }
}
