package io.secretsbroker.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.RotationConflictException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.gcp.internal.GcpSecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rotation through version aliases: staging behind {@code pending}, promotion by one etag-checked
 * alias patch, {@code previous}, discarding, and the races, forced by letting a second writer act
 * inside the driver's patch (before the service checks the etag).
 */
class SecretManagerRotationTest {
  private static final String SENTINEL = "s3ntinel-Rotation-9b7e";
  private final FakeSecretManager fake = new FakeSecretManager(GcpProviderContractTest.PROJECT, null);
  private final GcpSecretProvider provider = GcpProviderContractTest.provider(fake, null);

  @AfterEach
  void stop() {
    provider.close();
    fake.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(SecretRecord r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }

  @Test
  void stage_candidateBecomesLatestButReadersKeepCurrent() {
    fake.seed("db", utf8("old"));

    SecretRecord pending = provider.stage("db", "1", utf8("new-" + SENTINEL));

    assertThat(pending.versionId()).isEqualTo("2");
    assertThat(pending.toString()).doesNotContain(SENTINEL);
    assertThat(fake.aliases("db")).containsEntry("current", "1").containsEntry("pending", "2");
    assertThat(text(provider.fetch("db"))).isEqualTo("old");
    assertThat(provider.fetch("db").versionId()).isEqualTo("1");
    assertThat(text(provider.fetchVersion("db", "latest"))).isEqualTo("new-" + SENTINEL);
    assertThat(text(provider.fetchStage("db", VersionStage.PENDING))).isEqualTo("new-" + SENTINEL);
    assertThat(fake.clientChecksum("db", "2")).isTrue();
  }

  @Test
  void stage_wrongExpectedCurrent_conflictAndNothingWritten() {
    fake.seed("db", utf8("one"));
    fake.seed("db", utf8("two"));

    Throwable t = catchThrowable(() -> provider.stage("db", "1", utf8(SENTINEL)));

    assertThat(t).isInstanceOf(RotationConflictException.class).hasMessageContaining("version 2")
        .hasMessageContaining("not 1");
    assertThat(fake.versionCount("db")).isEqualTo(2);
    assertThat(fake.aliases("db")).isEmpty();
  }

  @Test
  void stage_missingSecret_notFoundAndNothingCreated() {
    assertThat(catchThrowable(() -> provider.stage("nope", "1", utf8(SENTINEL))))
        .isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void stage_againReplacesPendingAndDisablesTheEarlierCandidate() {
    fake.seed("db", utf8("old"));
    provider.stage("db", "1", utf8("first"));

    SecretRecord second = provider.stage("db", "1", utf8("second"));

    assertThat(fake.aliases("db")).containsEntry("pending", second.versionId()).containsEntry("current", "1");
    assertThat(fake.state("db", "2")).isEqualTo("DISABLED");
    assertThat(text(provider.fetchStage("db", VersionStage.PENDING))).isEqualTo("second");
  }

  @Test
  void promote_movesCurrentPreviousAndDropsPendingInOnePatch() {
    fake.seed("db", utf8("old"));
    provider.stage("db", "1", utf8("new"));

    SecretRecord current = provider.promote("db", "2", "1");

    assertThat(current.versionId()).isEqualTo("2");
    assertThat(text(current)).isEqualTo("new");
    assertThat(fake.aliases("db")).isEqualTo(Map.of("current", "2", "previous", "1"));
    assertThat(text(provider.fetch("db"))).isEqualTo("new");
    assertThat(text(provider.fetchStage("db", VersionStage.PREVIOUS))).isEqualTo("old");
    assertThat(catchThrowable(() -> provider.fetchStage("db", VersionStage.PENDING)))
        .isInstanceOf(SecretNotFoundException.class).hasMessageContaining("PENDING");
  }

  @Test
  void promote_secondRotation_disablesTheVersionThatLeavesPrevious() {
    fake.seed("db", utf8("v1"));
    provider.stage("db", "1", utf8("v2"));
    provider.promote("db", "2", "1");
    provider.stage("db", "2", utf8("v3"));

    provider.promote("db", "3", "2");

    assertThat(fake.aliases("db")).isEqualTo(Map.of("current", "3", "previous", "2"));
    assertThat(fake.state("db", "1")).isEqualTo("DISABLED");
    assertThat(fake.state("db", "2")).isEqualTo("ENABLED");
  }

  @Test
  void promote_anotherWriterMovesAliasesInsideThePatch_conflictAndNothingChanged() {
    fake.seed("db", utf8("old"));
    provider.stage("db", "1", utf8("mine-" + SENTINEL));
    // the other writer acts between our read of the etag and the service's check of it
    fake.beforeNextPatch = () -> fake.setAlias("db", "current", "1");

    Throwable t = catchThrowable(() -> provider.promote("db", "2", "1"));

    assertThat(t).isInstanceOf(RotationConflictException.class).hasMessageContaining("etag");
    assertThat(fake.aliases("db")).containsEntry("current", "1").containsEntry("pending", "2");
    assertThat(text(provider.fetch("db"))).isEqualTo("old");
    assertThat(t.getMessage()).doesNotContain(SENTINEL);
  }

  @Test
  void promote_currentMovedSinceStaging_conflictNamesHolder() {
    fake.seed("db", utf8("old"));
    provider.stage("db", "1", utf8("mine"));
    String other = fake.addVersionOnly("db", utf8("theirs"));
    fake.setAlias("db", "current", other);

    Throwable t = catchThrowable(() -> provider.promote("db", "2", "1"));

    assertThat(t).isInstanceOf(RotationConflictException.class).hasMessageContaining("version " + other);
    assertThat(fake.aliases("db")).containsEntry("current", other);
  }

  @Test
  void promote_pendingReplacedByAnotherRotation_conflict() {
    fake.seed("db", utf8("old"));
    provider.stage("db", "1", utf8("first"));
    provider.stage("db", "1", utf8("second"));

    Throwable t = catchThrowable(() -> provider.promote("db", "2", "1"));

    assertThat(t).isInstanceOf(RotationConflictException.class).hasMessageContaining("pending is 3");
    assertThat(fake.aliases("db")).containsEntry("current", "1");
  }

  @Test
  void stage_racingStagerInsideFinalPatch_newestStagerTakesThePendingSlot() {
    fake.seed("db", utf8("old"));
    fake.setAlias("db", "current", "1");
    fake.beforeNextPatch = () -> fake.setAlias("db", "pending", "1"); // moves the etag, current unchanged

    SecretRecord staged = provider.stage("db", "1", utf8(SENTINEL));

    assertThat(staged.versionId()).isEqualTo("2");
    assertThat(fake.aliases("db")).containsEntry("current", "1").containsEntry("pending", "2");
    assertThat(text(provider.fetch("db"))).isEqualTo("old");
  }

  @Test
  void stage_racingWriterMovesCurrentInsideFinalPatch_conflictAndCandidateDisabled() {
    fake.seed("db", utf8("old"));
    fake.seed("db", utf8("other writer's"));
    fake.setAlias("db", "current", "1");
    fake.beforeNextPatch = () -> fake.setAlias("db", "current", "2");

    Throwable t = catchThrowable(() -> provider.stage("db", "1", utf8(SENTINEL)));

    assertThat(t).isInstanceOf(RotationConflictException.class);
    assertThat(fake.state("db", "3")).isEqualTo("DISABLED");
    assertThat(fake.aliases("db")).containsEntry("current", "2");
  }

  @Test
  void discardPending_dropsAliasDisablesCandidateAndIsIdempotent() {
    fake.seed("db", utf8("old"));
    provider.stage("db", "1", utf8("bad"));

    provider.discardPending("db", "2");
    provider.discardPending("db", "2");

    assertThat(fake.aliases("db")).isEqualTo(Map.of("current", "1"));
    assertThat(fake.state("db", "2")).isEqualTo("DISABLED");
    assertThat(text(provider.fetch("db"))).isEqualTo("old");
  }

  @Test
  void discardPending_afterPromotion_leavesItAlone() {
    fake.seed("db", utf8("old"));
    provider.stage("db", "1", utf8("new"));
    provider.promote("db", "2", "1");

    provider.discardPending("db", "2");

    assertThat(fake.aliases("db")).containsEntry("current", "2");
    assertThat(fake.state("db", "2")).isEqualTo("ENABLED");
  }

  @Test
  void put_onRotatedSecret_movesCurrentSoReadersSeeIt() {
    fake.seed("db", utf8("old"));
    provider.stage("db", "1", utf8("candidate"));

    SecretRecord written = provider.put("db", utf8("written"));

    assertThat(fake.aliases("db")).containsEntry("current", written.versionId()).containsEntry("previous", "1");
    assertThat(text(provider.fetch("db"))).isEqualTo("written");
  }

  @Test
  void supportsStaging_isTrue() {
    assertThat(provider.supportsStaging()).isTrue();
  }
}
