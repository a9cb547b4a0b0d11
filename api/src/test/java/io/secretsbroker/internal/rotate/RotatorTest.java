package io.secretsbroker.internal.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.Rotation;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.RotationTarget;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The paths of {@link Rotator} the conformance suite cannot reach on a real store: a promote whose
 * outcome is unknown, a discard that fails, a provider that cannot stage, a pending candidate
 * staged from a replaced version. One small staging store with hooks; values never in messages.
 */
class RotatorTest {
  private static final String OLD = "old-rotator-value-1"; // secrets-guard:allow test fixture

  /** One secret, one pending slot, compare-and-set on the version; hooks to fail calls. */
  static final class Store implements SecretProvider {
    String version = "v1";
    byte[] value = OLD.getBytes(StandardCharsets.UTF_8);
    SecretRecord pending;
    final AtomicInteger ids = new AtomicInteger();
    final AtomicInteger stages = new AtomicInteger();
    final AtomicInteger discards = new AtomicInteger();
    Supplier<RuntimeException> promoteFailure;
    boolean promoteThenFail;
    Supplier<RuntimeException> discardFailure;
    boolean staging = true;
    /** Runs at the start of promote: another writer that wins the race, say. */
    Runnable beforePromote;
    /** Fails every fetch once set (a promote's read-back, a winner that cannot be read). */
    Supplier<RuntimeException> fetchFailure;
    /** Every array this store handed to the rotator, except the promoted record's. */
    final List<byte[]> handedOut = new ArrayList<>();
    /** The candidate array the rotator passed to {@link #stage}. */
    byte[] stageInput;

    @Override
    public String id() {
      return "store";
    }

    @Override
    public synchronized SecretRecord fetch(String name) {
      if (fetchFailure != null) {
        throw fetchFailure.get();
      }
      return handed(new SecretRecord(name, version, value.clone(), Instant.EPOCH));
    }

    private SecretRecord handed(SecretRecord r) {
      handedOut.add(r.value());
      return r;
    }

    @Override
    public boolean supportsStaging() {
      return staging;
    }

    @Override
    public synchronized SecretRecord fetchStage(String name, VersionStage stage) {
      if (stage == VersionStage.PENDING && pending != null) {
        return handed(new SecretRecord(name, pending.versionId(), pending.value().clone(), null, null,
            pending.metadata()));
      }
      throw new SecretNotFoundException("no " + stage);
    }

    @Override
    public synchronized SecretRecord stage(String name, String expected, byte[] v) {
      stages.incrementAndGet();
      stageInput = v;
      if (!version.equals(expected)) {
        throw new RotationConflictException("at " + version);
      }
      pending = new SecretRecord(name, "p" + ids.incrementAndGet(), v.clone(), null, null, Map.of("stagedFrom", expected));
      return handed(new SecretRecord(name, pending.versionId(), v.clone(), null, null, pending.metadata()));
    }

    @Override
    public synchronized SecretRecord promote(String name, String pendingId, String expected) {
      if (beforePromote != null) {
        beforePromote.run();
      }
      if (promoteFailure != null && !promoteThenFail) {
        throw promoteFailure.get();
      }
      if (!version.equals(expected) || pending == null || !pending.versionId().equals(pendingId)) {
        throw new RotationConflictException("at " + version);
      }
      version = pendingId;
      value = pending.value().clone();
      pending = null;
      if (promoteFailure != null) {
        throw promoteFailure.get(); // the write landed, the answer was lost
      }
      return new SecretRecord(name, version, value.clone(), Instant.EPOCH);
    }

    @Override
    public synchronized void discardPending(String name, String pendingId) {
      discards.incrementAndGet();
      if (discardFailure != null) {
        throw discardFailure.get();
      }
      if (pending != null && pending.versionId().equals(pendingId)) {
        pending = null;
      }
    }

    String current() {
      return new String(value, StandardCharsets.UTF_8);
    }
  }

  private final Store store = new Store();
  private final Rotator rotator = new Rotator(store, Rotator.Calls.DIRECT);

  private static RotationTarget recording(List<String> applied) {
    return new RotationTarget() {
      @Override
      public void apply(SecretValue candidate, SecretValue current) {
        applied.add(candidate.asString());
      }
    };
  }

  @Test
  void rotate_providerCannotStage_refusedBeforeAnyWrite() {
    store.staging = false;

    assertThatThrownBy(() -> rotator.rotate("db", "db", null, Rotation.defaults()))
        .isInstanceOf(RotationFailedException.class).hasMessageContaining("cannot stage")
        .hasMessageContaining("nothing was written");
    assertThat(store.stages).hasValue(0);
    assertThat(store.current()).isEqualTo(OLD);
  }

  @Test
  void rotate_promoteAnswerLostButWriteLanded_settledAsSuccess() {
    store.promoteFailure = () -> new ProviderUnavailableException("connection reset");
    store.promoteThenFail = true;

    Rotator.Outcome done = rotator.rotate("db", "db", null, Rotation.defaults());

    assertThat(done.promoted().versionId()).isEqualTo(store.version);
    assertThat(new String(done.promoted().value(), StandardCharsets.UTF_8)).isEqualTo(store.current());
    assertThat(store.current()).isNotEqualTo(OLD);
  }

  @Test
  void rotate_promoteFailsAndNothingLanded_targetPutBackPendingDiscarded() {
    store.promoteFailure = () -> new ProviderUnavailableException("503");
    List<String> applied = new ArrayList<>();

    Throwable t = catchThrowable(() -> rotator.rotate("db", "db", null,
        Rotation.builder().target(recording(applied)).build()));

    assertThat(t).isInstanceOf(RotationFailedException.class).isNotInstanceOf(RotationConflictException.class)
        .hasMessageContaining("could not promote").hasMessageContaining("still v1");
    assertThat(applied).hasSize(2).last().isEqualTo(OLD);
    assertThat(store.pending).isNull();
    assertThat(store.current()).isEqualTo(OLD);
    assertThat(t.getMessage()).doesNotContain(OLD).doesNotContain(applied.get(0));
  }

  @Test
  void rotate_verifyFailsAndDiscardFails_messageSaysItStaysPending() {
    store.discardFailure = () -> new ProviderUnavailableException("503");

    Throwable t = catchThrowable(() -> rotator.rotate("db", "db", null, Rotation.builder().verify(v -> {
      throw new IllegalStateException("login refused");
    }).build()));

    assertThat(t).isInstanceOf(RotationFailedException.class).hasMessageContaining("stays readable as PENDING");
    assertThat(t.getSuppressed()).isEmpty(); // the discard failure is on the cause, where it happened
    assertThat(t.getCause().getSuppressed()).hasSize(1);
    assertThat(store.pending).isNotNull();
    assertThat(store.current()).isEqualTo(OLD);
  }

  @Test
  void rotate_applyThrows_putBackAttemptedAndFailureNamesTheStep() {
    List<String> calls = new ArrayList<>();

    Throwable t = catchThrowable(() -> rotator.rotate("db", "db", null, Rotation.builder().target(new RotationTarget() {
      @Override
      public void apply(SecretValue candidate, SecretValue current) {
        calls.add(current.asString().equals(OLD) ? "forward" : "back");
        if (calls.size() == 1) {
          throw new IllegalStateException("ALTER ROLE failed");
        }
      }
    }).build()));

    assertThat(t).isInstanceOf(RotationFailedException.class).hasMessageContaining("failed in apply");
    assertThat(calls).containsExactly("forward", "back");
    assertThat(store.pending).isNull();
  }

  @Test
  void rotate_pendingStagedFromAReplacedVersion_discardedNotResumed() {
    store.pending = new SecretRecord("db", "p-old", "stale-candidate".getBytes(StandardCharsets.UTF_8), null, null,
        Map.of("stagedFrom", "v0"));

    Rotator.Outcome done = rotator.rotate("db", "db", null, Rotation.defaults());

    assertThat(done.resumed()).isFalse();
    assertThat(store.current()).isNotEqualTo("stale-candidate").hasSize(Rotation.DEFAULT_LENGTH);
    assertThat(store.discards).hasValue(1);
  }

  @Test
  void rotate_pendingStagedFromCurrent_resumedWithoutGenerating() {
    store.pending = new SecretRecord("db", "p-left", "left-candidate-123".getBytes(StandardCharsets.UTF_8), null, null,
        Map.of("stagedFrom", "v1"));

    Rotator.Outcome done = rotator.rotate("db", "db", null, Rotation.builder().generator(v -> {
      throw new AssertionError("a resumed rotation must not generate");
    }).build());

    assertThat(done.resumed()).isTrue();
    assertThat(store.current()).isEqualTo("left-candidate-123");
    assertThat(store.stages).hasValue(0);
  }

  @Test
  void rotate_generatorReturnsEmpty_failsBeforeStaging() {
    assertThatThrownBy(() -> rotator.rotate("db", "db", null, Rotation.builder().generator(v -> "").build()))
        .isInstanceOf(RotationFailedException.class).hasMessageContaining("empty");
    assertThat(store.stages).hasValue(0);
  }

  @Test
  void rotate_fieldOfANonObject_failsNamingTheFieldWithoutTheValue() {
    Throwable t = catchThrowable(() -> rotator.rotate("db", "db", "password", Rotation.defaults()));

    assertThat(t).isInstanceOf(io.secretsbroker.SecretsException.class).hasMessageContaining("password");
    assertThat(t.getMessage()).doesNotContain(OLD);
    assertThat(store.stages).hasValue(0);
  }

  private static final String WINNER = "winner-rotator-value-2"; // secrets-guard:allow test fixture

  private static boolean zeroed(byte[] a) {
    for (byte b : a) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** Another writer promotes {@link #WINNER} just before this rotation's promote. */
  private void winnerPromotesFirst() {
    store.beforePromote = () -> {
      store.version = "v9";
      store.value = WINNER.getBytes(StandardCharsets.UTF_8);
      store.pending = null;
    };
  }

  @Test
  void rotate_success_everyArrayReadFromTheStoreIsZeroedButThePromotedOne() {
    Rotator.Outcome done = rotator.rotate("db", "db", null, Rotation.defaults());

    assertThat(done.previousVersionId()).isEqualTo("v1");
    assertThat(done.resumed()).isFalse();
    assertThat(done.promoted().versionId()).isEqualTo("p1").isEqualTo(store.version);
    assertThat(new String(done.promoted().value(), StandardCharsets.UTF_8)).isEqualTo(store.current())
        .hasSize(Rotation.DEFAULT_LENGTH);
    assertThat(store.handedOut).hasSize(2).allMatch(RotatorTest::zeroed); // the read of v1 and the staged copy
    assertThat(zeroed(store.stageInput)).isTrue();
  }

  @Test
  void rotate_targetSeesCandidateAndCurrentInThatOrder() {
    List<String> seen = new ArrayList<>();

    rotator.rotate("db", "db", null, Rotation.builder().target(new RotationTarget() {
      @Override
      public void apply(SecretValue candidate, SecretValue current) {
        seen.add(candidate.asString());
        seen.add(current.asString());
      }

      @Override
      public void verify(SecretValue candidate) {
        seen.add("verify " + candidate.asString());
      }
    }).build());

    assertThat(seen).containsExactly(store.current(), OLD, "verify " + store.current());
  }

  @Test
  void rotate_discardedStalePending_itsArrayIsZeroed() {
    store.pending = new SecretRecord("db", "p-old", "stale-candidate".getBytes(StandardCharsets.UTF_8), null, null,
        Map.of("stagedFrom", "v0"));

    rotator.rotate("db", "db", null, Rotation.defaults());

    assertThat(store.handedOut).hasSize(3).allMatch(RotatorTest::zeroed);
  }

  @Test
  void rotate_pendingWithoutStagedFrom_resumed() {
    store.pending = new SecretRecord("db", "p-left", "left-candidate-456".getBytes(StandardCharsets.UTF_8), null, null,
        Map.of());

    Rotator.Outcome done = rotator.rotate("db", "db", null, Rotation.defaults());

    assertThat(done.resumed()).isTrue();
    assertThat(store.current()).isEqualTo("left-candidate-456");
    assertThat(store.stages).hasValue(0);
    assertThat(store.discards).hasValue(0);
  }

  @Test
  void rotate_pendingFromCurrentButPolicyDiscard_discardedAndRegenerated() {
    store.pending = new SecretRecord("db", "p-left", "left-candidate-789".getBytes(StandardCharsets.UTF_8), null, null,
        Map.of("stagedFrom", "v1"));

    Rotator.Outcome done = rotator.rotate("db", "db", null,
        Rotation.builder().onPending(Rotation.Pending.DISCARD).generator(v -> "fresh-candidate-1").build());

    assertThat(done.resumed()).isFalse();
    assertThat(store.current()).isEqualTo("fresh-candidate-1");
    assertThat(store.discards).hasValue(1);
    assertThat(store.stages).hasValue(1);
  }

  @Test
  void rotate_secretMissing_notFoundSaysItCannotBeCreatedByRotation() {
    store.fetchFailure = () -> new SecretNotFoundException("no such secret");

    Throwable t = catchThrowable(() -> rotator.rotate("db", "prod/db", null, Rotation.defaults()));

    assertThat(t).isExactlyInstanceOf(SecretNotFoundException.class)
        .hasMessageContaining("Secret 'db' does not exist in provider store").hasMessageContaining("never creates");
    assertThat(t.getCause()).hasMessage("no such secret");
    assertThat(store.stages).hasValue(0);
  }

  @Test
  void rotate_verifyFailsWithoutTarget_pendingDiscardedNothingApplied() {
    Throwable t = catchThrowable(() -> rotator.rotate("db", "db", null, Rotation.builder().verify(v -> {
      throw new IllegalStateException("login refused");
    }).build()));

    assertThat(t).isInstanceOf(RotationFailedException.class)
        .hasMessageContaining("failed in verify (IllegalStateException)")
        .hasMessageContaining("the pending version p1 was discarded;")
        .hasMessageContaining("the current version v1 was never replaced")
        .hasMessageNotContaining("set back");
    assertThat(t.getCause()).isInstanceOf(IllegalStateException.class);
    assertThat(store.pending).isNull();
    assertThat(store.discards).hasValue(1);
    assertThat(store.handedOut).allMatch(RotatorTest::zeroed);
    assertThat(t.getMessage()).doesNotContain(OLD);
  }

  @Test
  void rotate_verifyFailsWithTarget_targetSetBackToThePreviousValue() {
    List<String> applied = new ArrayList<>();

    Throwable t = catchThrowable(() -> rotator.rotate("db", "db", null,
        Rotation.builder().target(recording(applied)).verify(v -> {
          throw new IllegalStateException("login refused");
        }).build()));

    assertThat(t).hasMessageContaining("failed in verify")
        .hasMessageContaining("; the target was set back to the previous value");
    assertThat(applied).hasSize(2).last().isEqualTo(OLD);
    assertThat(t.getMessage()).doesNotContain(OLD).doesNotContain(applied.get(0));
  }

  @Test
  void rotate_putBackAlsoFails_messageSaysSoAndTheFailureIsSuppressedOnTheCause() {
    AtomicInteger applies = new AtomicInteger();

    Throwable t = catchThrowable(() -> rotator.rotate("db", "db", null, Rotation.builder().target(new RotationTarget() {
      @Override
      public void apply(SecretValue candidate, SecretValue current) {
        if (applies.incrementAndGet() == 2) {
          throw new UnsupportedOperationException("target down");
        }
      }
    }).verify(v -> {
      throw new IllegalStateException("login refused");
    }).build()));

    assertThat(t).hasMessageContaining("setting the target back to the previous value also failed"
        + " (UnsupportedOperationException)");
    assertThat(t.getCause().getSuppressed()).singleElement().isInstanceOf(UnsupportedOperationException.class);
    assertThat(store.pending).isNull();
  }

  @Test
  void rotate_lostRaceWithoutTarget_conflictNamesTheWinnerAndZeroesItsValue() {
    winnerPromotesFirst();

    Throwable t = catchThrowable(() -> rotator.rotate("db", "db", null, Rotation.defaults()));

    assertThat(t).isInstanceOf(RotationConflictException.class)
        .hasMessageContaining("lost a compare-and-set: version v9 became current after this rotation read version v1")
        .hasMessageContaining("(the pending version p1 was discarded)");
    assertThat(t.getCause()).isInstanceOf(RotationConflictException.class);
    assertThat(store.current()).isEqualTo(WINNER);
    assertThat(store.discards).hasValue(1);
    assertThat(store.handedOut).hasSize(3).allMatch(RotatorTest::zeroed); // v1, the staged copy, the winner
    assertThat(t.getMessage()).doesNotContain(WINNER).doesNotContain(OLD);
  }

  @Test
  void rotate_lostRaceWithTarget_targetSetToTheWinnersValueNotTheOldOne() {
    winnerPromotesFirst();
    List<String> applied = new ArrayList<>();

    Throwable t = catchThrowable(() -> rotator.rotate("db", "db", null,
        Rotation.builder().target(recording(applied)).build()));

    assertThat(t).isInstanceOf(RotationConflictException.class)
        .hasMessageContaining("; the target was set back to the winner's value");
    assertThat(applied).hasSize(2).last().isEqualTo(WINNER);
    assertThat(t.getMessage()).doesNotContain(WINNER).doesNotContain(applied.get(0));
  }

  @Test
  void rotate_lostRaceToTheSameValue_targetLeftAsItIs() {
    store.beforePromote = () -> {
      store.version = "v9";
      store.value = "same-as-candidate-1".getBytes(StandardCharsets.UTF_8);
      store.pending = null;
    };
    List<String> applied = new ArrayList<>();

    Throwable t = catchThrowable(() -> rotator.rotate("db", "db", null,
        Rotation.builder().generator(v -> "same-as-candidate-1").target(recording(applied)).build()));

    assertThat(t).isInstanceOf(RotationConflictException.class)
        .hasMessageContaining("; the target already holds the winner's value");
    assertThat(applied).containsExactly("same-as-candidate-1");
    assertThat(store.handedOut).allMatch(RotatorTest::zeroed);
  }

  @Test
  void rotate_lostRaceAndWinnerUnreadable_targetLeftWithCandidateAndMessageSaysSo() {
    store.beforePromote = () -> {
      store.version = "v9";
      store.fetchFailure = () -> new ProviderUnavailableException("503");
    };
    List<String> applied = new ArrayList<>();

    Throwable t = catchThrowable(() -> rotator.rotate("db", "db", null,
        Rotation.builder().target(recording(applied)).build()));

    assertThat(t).isInstanceOf(RotationConflictException.class)
        .hasMessageContaining("lost a compare-and-set: another version became current")
        .hasMessageContaining("the winner could not be read, so the target still holds this rotation's candidate");
    assertThat(applied).hasSize(1);
    assertThat(t.getCause().getSuppressed()).singleElement().isInstanceOf(ProviderUnavailableException.class);
  }

  @Test
  void rotate_promoteFailsAndReadBackFailsToo_failedWithTheCurrentVersionNamed() {
    store.promoteFailure = () -> {
      store.fetchFailure = () -> new ProviderUnavailableException("still down");
      return new ProviderUnavailableException("503");
    };

    Throwable t = catchThrowable(() -> rotator.rotate("db", "db", null, Rotation.defaults()));

    assertThat(t).isInstanceOf(RotationFailedException.class).isNotInstanceOf(RotationConflictException.class)
        .hasMessageContaining("could not promote the pending version p1 (ProviderUnavailableException)")
        .hasMessageContaining("the pending version p1 was discarded; the current version is still v1")
        .hasMessageContaining("once provider store answers");
    assertThat(store.pending).isNull();
  }

  @Test
  void rotate_promoteFailsAndStoreHoldsAnotherValue_readBackZeroedAndFailed() {
    store.promoteFailure = () -> new ProviderUnavailableException("503");

    assertThatThrownBy(() -> rotator.rotate("db", "db", null, Rotation.defaults()))
        .isInstanceOf(RotationFailedException.class);
    assertThat(store.handedOut).hasSize(3).allMatch(RotatorTest::zeroed); // v1, the staged copy, the read-back
  }

  @Test
  void rotate_field_replacesThatFieldOnlyAndKeepsAJsonObject() {
    store.value = "{\"user\":\"app\",\"password\":\"old-field-pw-1\"}".getBytes(StandardCharsets.UTF_8); // secrets-guard:allow test fixture

    rotator.rotate("db", "db", "password", Rotation.builder().generator(v -> "new-field-pw-2").build());

    assertThat(store.current()).isEqualTo("{\"user\":\"app\",\"password\":\"new-field-pw-2\"}"); // secrets-guard:allow test fixture
  }

  @Test
  void rotate_fieldMissing_failsBeforeStagingNamingTheField() {
    store.value = "{\"user\":\"app\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> rotator.rotate("db", "prod/db", "password", Rotation.defaults()))
        .isInstanceOf(RotationFailedException.class)
        .hasMessageContaining("Cannot rotate field 'password' of secret 'prod/db'")
        .hasMessageEndingWith("Nothing was written.");
    assertThat(store.stages).hasValue(0);
  }

  @Test
  void candidate_generatorFailureIsPassedOnAsItIs() {
    RotationFailedException refused = new RotationFailedException("refused");
    Rotation r = Rotation.builder().generator(v -> {
      throw refused;
    }).build();

    assertThatThrownBy(() -> Rotator.candidate("db", "db", null, null, r)).isSameAs(refused);
  }

  @Test
  void new_andRotate_nullArguments_npeNamesTheParameter() {
    assertThatThrownBy(() -> new Rotator(null, Rotator.Calls.DIRECT)).hasMessage("provider");
    assertThatThrownBy(() -> new Rotator(store, null)).hasMessage("calls");
    assertThatThrownBy(() -> rotator.rotate(null, "db", null, Rotation.defaults())).hasMessage("name");
    assertThatThrownBy(() -> rotator.rotate("db", null, null, Rotation.defaults())).hasMessage("providerName");
    assertThatThrownBy(() -> rotator.rotate("db", "db", null, null)).hasMessage("rotation");
  }

  @Test
  void toString_namesTheProviderOnly() {
    assertThat(rotator).hasToString("Rotator[store]");
  }

  @Test
  void rotate_readsGoThroughReadCallsAndWritesThroughWriteCalls() {
    List<String> routed = new ArrayList<>();
    Rotator counted = new Rotator(store, new Rotator.Calls() {
      @Override
      public <T> T read(Supplier<T> call) {
        routed.add("read");
        return call.get();
      }

      @Override
      public <T> T write(Supplier<T> call) {
        routed.add("write");
        return call.get();
      }
    });
    store.pending = new SecretRecord("db", "p-old", "stale-candidate".getBytes(StandardCharsets.UTF_8), null, null,
        Map.of("stagedFrom", "v0"));

    counted.rotate("db", "db", null, Rotation.defaults());

    // fetch, fetchStage; discard the stale one, stage, promote
    assertThat(routed).containsExactly("read", "read", "write", "write", "write");
  }
}
