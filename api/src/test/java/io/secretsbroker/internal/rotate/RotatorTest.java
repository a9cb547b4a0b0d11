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

    @Override
    public String id() {
      return "store";
    }

    @Override
    public synchronized SecretRecord fetch(String name) {
      return new SecretRecord(name, version, value.clone(), Instant.EPOCH);
    }

    @Override
    public boolean supportsStaging() {
      return staging;
    }

    @Override
    public synchronized SecretRecord fetchStage(String name, VersionStage stage) {
      if (stage == VersionStage.PENDING && pending != null) {
        return new SecretRecord(name, pending.versionId(), pending.value().clone(), null, null, pending.metadata());
      }
      throw new SecretNotFoundException("no " + stage);
    }

    @Override
    public synchronized SecretRecord stage(String name, String expected, byte[] v) {
      stages.incrementAndGet();
      if (!version.equals(expected)) {
        throw new RotationConflictException("at " + version);
      }
      pending = new SecretRecord(name, "p" + ids.incrementAndGet(), v.clone(), null, null, Map.of("stagedFrom", expected));
      return new SecretRecord(name, pending.versionId(), v.clone(), null, null, pending.metadata());
    }

    @Override
    public synchronized SecretRecord promote(String name, String pendingId, String expected) {
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
      return fetch(name);
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
}
