package io.secretsbroker.internal.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.Redactor;
import io.secretsbroker.SecretValue;
import io.secretsbroker.VersionStage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StageCache} on a hand-moved ticker: the keep time and its boundary tick, reloads of a
 * wiped value, one entry per name and stage, and the masking that lasts exactly as long as a value
 * is held. Values are unique to this class so the process-wide redactor's answers are this test's.
 */
class StageCacheTest {
  private static final long TTL = 1_000;
  private static final String PREV = "stage-cache-previous-1"; // secrets-guard:allow test fixture
  private static final String PEND = "stage-cache-pending-22"; // secrets-guard:allow test fixture

  private final AtomicLong now = new AtomicLong(5_000);
  private final StageCache cache = new StageCache(now::get, TTL);

  @AfterEach
  void releaseTheMasks() {
    cache.clear(); // the redactor is process-wide: leave no registration to the next test
  }

  /** A loader that counts its calls and returns a new value named "db" each time. */
  private static final class Loader implements Supplier<SecretValue> {
    final AtomicInteger calls = new AtomicInteger();
    final String text;

    Loader(String text) {
      this.text = text;
    }

    @Override
    public SecretValue get() {
      calls.incrementAndGet();
      return SecretValue.of("db", "v" + calls.get(), text.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void get_withinKeepTime_servedFromCacheUntilTheBoundaryTick() {
    Loader load = new Loader(PREV);

    SecretValue first = cache.get("db", VersionStage.PREVIOUS, load);
    now.addAndGet(TTL - 1); // the last tick it is kept
    SecretValue again = cache.get("db", VersionStage.PREVIOUS, load);

    assertThat(again).isSameAs(first);
    assertThat(load.calls).hasValue(1);

    now.addAndGet(1); // exactly the keep time after the load: expired
    SecretValue reloaded = cache.get("db", VersionStage.PREVIOUS, load);

    assertThat(reloaded).isNotSameAs(first);
    assertThat(reloaded.versionId()).isEqualTo("v2");
    assertThat(load.calls).hasValue(2);
  }

  @Test
  void get_reloadedValue_keptForAFullKeepTimeFromItsOwnLoad() {
    Loader load = new Loader(PREV);
    cache.get("db", VersionStage.PREVIOUS, load);
    now.addAndGet(TTL);
    SecretValue second = cache.get("db", VersionStage.PREVIOUS, load);

    now.addAndGet(TTL - 1);

    assertThat(cache.get("db", VersionStage.PREVIOUS, load)).isSameAs(second);
    assertThat(load.calls).hasValue(2);
  }

  @Test
  void get_heldValueWasWiped_reloadsInsteadOfServingIt() {
    Loader load = new Loader(PREV);
    SecretValue first = cache.get("db", VersionStage.PREVIOUS, load);

    first.wipe();
    SecretValue next = cache.get("db", VersionStage.PREVIOUS, load);

    assertThat(next).isNotSameAs(first);
    assertThat(next.isWiped()).isFalse();
    assertThat(next.asString()).isEqualTo(PREV);
    assertThat(load.calls).hasValue(2);
  }

  @Test
  void get_eachStageAndNameIsItsOwnEntry() {
    Loader prev = new Loader(PREV);
    Loader pend = new Loader(PEND);

    cache.get("db", VersionStage.PREVIOUS, prev);
    SecretValue pending = cache.get("db", VersionStage.PENDING, pend);
    cache.get("other", VersionStage.PREVIOUS, prev);

    assertThat(pending.asString()).isEqualTo(PEND);
    assertThat(prev.calls).hasValue(2);
    assertThat(pend.calls).hasValue(1);
    assertThat(cache).hasToString("StageCache[3 values]");
  }

  @Test
  void get_valueIsMaskedWhileHeldAndReleasedWhenReplaced() {
    Loader load = new Loader(PREV);
    cache.get("db", VersionStage.PREVIOUS, load);

    assertThat(Redactor.global().redact("was " + PREV)).isEqualTo("was " + Redactor.MASK);

    now.addAndGet(TTL);
    cache.get("db", VersionStage.PREVIOUS, new Loader(PEND)); // the held value is replaced

    assertThat(Redactor.global().containsSecret(PREV)).isFalse();
    assertThat(Redactor.global().containsSecret(PEND)).isTrue();
  }

  @Test
  void invalidate_dropsEveryStageOfTheNameOnlyAndReleasesTheirMasks() {
    Loader prev = new Loader(PREV);
    Loader pend = new Loader(PEND);
    SecretValue previous = cache.get("db", VersionStage.PREVIOUS, prev);
    cache.get("db", VersionStage.PENDING, pend);
    Loader other = new Loader(PREV + "-other");
    cache.get("other", VersionStage.PREVIOUS, other);

    cache.invalidate("db");

    assertThat(Redactor.global().containsSecret(PEND)).isFalse();
    assertThat(previous.isWiped()).isFalse(); // a caller may still hold it
    cache.get("db", VersionStage.PREVIOUS, prev);
    cache.get("db", VersionStage.PENDING, pend);
    cache.get("other", VersionStage.PREVIOUS, other);
    assertThat(prev.calls).hasValue(2);
    assertThat(pend.calls).hasValue(2);
    assertThat(other.calls).hasValue(1);
  }

  @Test
  void clear_wipesAndForgetsEverythingAndReleasesTheMasks() {
    Loader prev = new Loader(PREV);
    SecretValue previous = cache.get("db", VersionStage.PREVIOUS, prev);
    SecretValue pending = cache.get("db", VersionStage.PENDING, new Loader(PEND));

    cache.clear();

    assertThat(previous.isWiped()).isTrue();
    assertThat(pending.isWiped()).isTrue();
    assertThat(Redactor.global().containsSecret(PREV)).isFalse();
    assertThat(Redactor.global().containsSecret(PEND)).isFalse();
    assertThat(cache).hasToString("StageCache[0 values]");
    cache.get("db", VersionStage.PREVIOUS, prev);
    assertThat(prev.calls).hasValue(2);
  }

  @Test
  void new_nullTicker_npeNamesIt() {
    assertThatThrownBy(() -> new StageCache(null, TTL)).isInstanceOf(NullPointerException.class)
        .hasMessage("nanos");
  }
}
