package io.secretsbroker.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ClientClosedException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.internal.observe.CacheEvents;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cache on its own, with a fake ticker and an executor the test drains by hand: the
 * placeholder of a load in flight, the boundaries of expiry and refresh, and the compare-and-set
 * installs. Deterministic: nothing runs unless the test runs it.
 */
class SecretCacheTest {
  private static final long REFRESH = 60_000_000_000L; // 60 s
  private static final long MAX_STALE = 600_000_000_000L; // 10 min
  private static final long NEGATIVE = 5_000_000_000L;
  private static final long BACKOFF = 6_000_000_000L;

  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final Events events = new Events();
  private final List<String> announced = new ArrayList<>();
  private final SecretCache cache = new SecretCache(
      new CacheSettings(REFRESH, MAX_STALE, NEGATIVE, BACKOFF, 100, false), now::get,
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), tasks::add, events, "test://");
  private java.util.function.Function<String, Entry> reload = n -> {
    throw new IllegalStateException("no reload expected");
  };

  SecretCacheTest() {
    cache.bind(n -> reload.apply(n), (name, prev, fresh, caller) -> announced.add(name + ":" + prev + "->"
        + fresh.versionId()));
  }

  @AfterEach
  void close() {
    cache.close();
  }

  private Entry entry(String name, String version, String value) {
    return cache.entryFor(name, null, new SecretRecord(name, version, value.getBytes(StandardCharsets.UTF_8),
        Instant.EPOCH));
  }

  /** Runs Caffeine's maintenance and the refreshes handed to the executor, in order. */
  private void drain() {
    Runnable r;
    while ((r = tasks.poll()) != null) {
      r.run();
    }
  }

  /** Tasks handed to the executor since the last drain (a size-bound-only cache schedules none on a hit). */
  private int refreshTasks() {
    return tasks.size();
  }

  @Test
  void claim_whileLoading_joinsOneFuture_andCompletionInstallsBeforeJoinersWake() {
    SecretCache.Claim owner = cache.claim("db");
    SecretCache.Claim joiner = cache.claim("db");
    assertThat(owner.owned()).isTrue();
    assertThat(joiner.owned()).isFalse();
    assertThat(joiner.future()).isSameAs(owner.future());
    assertThat(cache.hit("db")).as("a load in flight is never a hit").isNull();
    assertThat(cache.current("db").value).as("the placeholder holds no value").isNull();

    Entry loaded = entry("db", "v1", "cache-test-value-1");
    Entry[] seenByJoiner = new Entry[1];
    joiner.future().thenAccept(e -> seenByJoiner[0] = cache.current("db"));
    assertThat(owner.future().complete(loaded)).isTrue();

    assertThat(seenByJoiner[0]).as("installed before the joiners woke").isSameAs(loaded);
    assertThat(cache.hit("db")).isSameAs(loaded);
    assertThat(events.hits).isEqualTo(1);
    assertThat(owner.future().complete(entry("db", "v9", "cache-test-value-9"))).as("completes once").isFalse();
    assertThat(cache.current("db")).isSameAs(loaded);
  }

  @Test
  void fail_dropsThePlaceholder_soTheNextReadLoadsAgain() {
    SecretCache.Claim owner = cache.claim("db");
    ProviderUnavailableException down = new ProviderUnavailableException("store down");
    cache.fail("db", owner.future(), down);
    assertThat(owner.future().join().failure).isSameAs(down);
    assertThat(cache.current("db")).isNull();
    assertThat(cache.claim("db").owned()).isTrue();
  }

  @Test
  void load_failure_throwsToTheCaller_andCachesNothing() {
    assertThatThrownBy(() -> cache.load("db", () -> {
      throw new ProviderUnavailableException("store down");
    }, null)).isInstanceOf(ProviderUnavailableException.class);
    assertThat(cache.current("db")).isNull();
    cache.claim("db").future().complete(Entry.failed(new IllegalStateException("x")));
    assertThat(cache.current("db")).as("a failed load is never cached").isNull();
  }

  @Test
  void completeExceptionally_isRefused() {
    SecretCache.Claim owner = cache.claim("db");
    assertThatThrownBy(() -> owner.future().completeExceptionally(new RuntimeException("x")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void replace_ofThePlaceholder_wins_andTheLateLoadIsNotInstalled() {
    SecretCache.Claim owner = cache.claim("db");
    Entry token = cache.current("db");
    Entry refreshed = entry("db", "v2", "cache-test-value-2");
    assertThat(cache.replace("db", token, refreshed)).isTrue();
    Entry late = entry("db", "v1", "cache-test-value-1");
    owner.future().complete(late);
    assertThat(cache.current("db")).as("the newer install stands").isSameAs(refreshed);
    assertThat(cache.hit("db")).isSameAs(refreshed);
  }

  @Test
  void replace_lostRace_wipesTheLoser() {
    Entry first = entry("db", "v1", "cache-test-value-1");
    assertThat(cache.replace("db", null, first)).isTrue();
    Entry loser = entry("db", "v2", "cache-test-value-2");
    assertThat(cache.replace("db", null, loser)).as("something is cached already").isFalse();
    assertThat(loser.value.isWiped()).isTrue();
    assertThat(loser.text()).isNull();
    Entry stale = entry("db", "v3", "cache-test-value-3");
    assertThat(cache.replace("db", loser, stale)).isFalse();
    assertThat(stale.value.isWiped()).isTrue();
    assertThat(cache.current("db")).isSameAs(first);
    assertThat(first.value.isWiped()).isFalse();
  }

  @Test
  void hit_servesUntilTheNanosecondBeforeExpiry_andNotAtIt() {
    Entry e = entry("db", "v1", "cache-test-value-1");
    cache.install("db", e);
    now.addAndGet(MAX_STALE - 1);
    e.refreshing.set(true); // keep the refresh out of this test
    assertThat(cache.hit("db")).isSameAs(e);
    now.incrementAndGet();
    assertThat(cache.hit("db")).as("at expiresAt the value is past its bound").isNull();
  }

  @Test
  void hit_startsOneRefresh_exactlyAtRefreshAt_andInstallsItByCompareAndSet() {
    Entry e = entry("db", "v1", "cache-test-value-1");
    cache.install("db", e);
    drain();
    now.set(e.refreshAt - 1);
    cache.hit("db");
    assertThat(refreshTasks()).as("not due yet").isZero();
    now.set(e.refreshAt);
    cache.hit("db");
    cache.hit("db");
    assertThat(refreshTasks()).as("one refresh, however many hits").isEqualTo(1);
    Entry fresh = entry("db", "v2", "cache-test-value-2");
    reload = n -> fresh;
    drain();
    assertThat(cache.current("db")).isSameAs(fresh);
    assertThat(announced).containsExactly("db:v1->v2");
    assertThat(events.staleServed).as("a fresh value is not stale").isZero();
    assertThat(events.hits).isEqualTo(3);
  }

  @Test
  void backgroundRefresh_thatLostTheRace_wipesItsResult_andTheRotationStands() {
    Entry e = entry("db", "v1", "cache-test-value-1");
    cache.install("db", e);
    drain();
    now.set(e.refreshAt);
    cache.hit("db");
    Entry rotated = entry("db", "v3", "cache-test-value-3");
    cache.install("db", rotated); // a rotate finished while the refresh was queued
    Entry fresh = entry("db", "v2", "cache-test-value-2");
    reload = n -> fresh;
    drain();
    assertThat(cache.current("db")).isSameAs(rotated);
    assertThat(fresh.value.isWiped()).as("the losing result is zeroed").isTrue();
    assertThat(announced).isEmpty();
  }

  @Test
  void backgroundRefresh_failure_servesStale_andBacksOffByTheRetryInterval() {
    Entry e = entry("db", "v1", "cache-test-value-1");
    cache.install("db", e);
    drain();
    now.set(e.refreshAt);
    cache.hit("db");
    reload = n -> {
      throw new ProviderUnavailableException("store down");
    };
    long failedAt = now.get();
    drain();
    assertThat(e.stale).isTrue();
    assertThat(e.refreshAt).isEqualTo(failedAt + BACKOFF);
    assertThat(e.refreshing.get()).isFalse();
    assertThat(cache.hit("db")).isSameAs(e);
    assertThat(cache.hit("db")).isSameAs(e);
    assertThat(events.staleServed).isEqualTo(2);
    assertThat(events.firstStale).isEqualTo(1);
    assertThat(events.staleFirstFlags).as("the first stale hit is the one reported as first").containsExactly(true, false);
    now.set(failedAt + BACKOFF - 1);
    cache.hit("db");
    assertThat(refreshTasks()).as("backing off").isZero();
    now.set(failedAt + BACKOFF);
    cache.hit("db");
    assertThat(refreshTasks()).isEqualTo(1);
  }

  @Test
  void notFound_isRemembered_forNegativeTtl_thenLoadedAgain() {
    Entry nf = cache.notFound(new SecretNotFoundException("Secret 'db' not found"));
    assertThat(cache.replace("db", null, nf)).isTrue();
    assertThat(cache.hit("db")).as("a not-found is never a hit").isNull();
    SecretCache.Claim c = cache.claim("db");
    assertThat(c.owned()).isFalse();
    assertThatThrownBy(() -> SecretCache.check(c.future().join())).isInstanceOf(SecretNotFoundException.class)
        .isNotSameAs(nf.failure);
    now.addAndGet(NEGATIVE - 1);
    assertThat(cache.claim("db").owned()).isFalse();
    now.incrementAndGet();
    assertThat(cache.claim("db").owned()).as("past negative-ttl: loads again").isTrue();
  }

  @Test
  void claim_overExpiredEntry_remembersItsVersion_forTheAnnouncement() {
    Entry e = entry("db", "v1", "cache-test-value-1");
    cache.install("db", e);
    now.addAndGet(MAX_STALE);
    SecretCache.Claim c = cache.claim("db");
    assertThat(c.owned()).isTrue();
    assertThat(c.expiredVersion()).isEqualTo("v1");
  }

  @Test
  void sweep_dropsAndZeroesExpiredEntries_atMostOnceASecond_butKeepsLoadsInFlight() {
    long t0 = now.get();
    Entry a = entry("a", "v1", "cache-test-value-a");
    cache.install("a", a);
    SecretCache.Claim inFlight = cache.claim("b");
    long sweptAt = t0 + MAX_STALE - 500_000_000L;
    now.set(sweptAt);
    cache.sweepExpired(true);
    assertThat(cache.current("a")).as("not expired yet").isSameAs(a);
    now.set(t0 + MAX_STALE);
    cache.sweepExpired(false);
    assertThat(cache.current("a")).as("swept under a second ago: not again yet").isSameAs(a);
    now.set(sweptAt + 1_000_000_000L);
    cache.sweepExpired(false);
    drain(); // the removal listener
    assertThat(cache.current("a")).isNull();
    assertThat(a.value.isWiped()).as("an expired value is zeroed").isTrue();
    assertThat(cache.current("b")).as("a load in flight is not swept").isNotNull();
    inFlight.future().complete(entry("b", "v1", "cache-test-value-b"));
    assertThat(cache.current("b").versionId()).isEqualTo("v1");
  }

  @Test
  void close_wipesEverything_andALoadThatCompletesAfterIsZeroed() {
    Entry e = entry("a", "v1", "cache-test-value-a");
    cache.install("a", e);
    SecretCache.Claim inFlight = cache.claim("b");
    cache.close();
    assertThat(e.value.isWiped()).isTrue();
    Entry late = entry("b", "v1", "cache-test-value-b");
    inFlight.future().complete(late);
    assertThatThrownBy(() -> cache.afterLoad("b", inFlight.future(), late)).isInstanceOf(ClientClosedException.class)
        .hasMessageContaining("test://");
    assertThat(late.value.isWiped()).isTrue();
    assertThat(cache.current("b")).isNull();
  }

  @Test
  void entryFor_storeExpiry_refreshesAtTwoThirds_andExpiresAtTheStoresDate() {
    Instant wallNow = Instant.parse("2026-01-01T00:00:00Z");
    long t = now.get();
    Entry e = cache.entryFor("db", null, new SecretRecord("db", "v1",
        "cache-test-value-1".getBytes(StandardCharsets.UTF_8), Instant.EPOCH, wallNow.plusSeconds(30), Map.of()));
    assertThat(e.expiresAt).isEqualTo(t + 30_000_000_000L);
    assertThat(e.refreshAt).isEqualTo(t + 20_000_000_000L);
    assertThat(e.loadedAt).isEqualTo(t);

    Entry gone = cache.entryFor("old", null, new SecretRecord("old", "v1",
        "cache-test-value-2".getBytes(StandardCharsets.UTF_8), Instant.EPOCH, wallNow.minusSeconds(5), Map.of()));
    assertThat(gone.expiresAt).as("already past the store's date: expired at once").isEqualTo(t);
  }

  @Test
  void entryFor_refreshAfter_isJitteredWithinTenPercent_andMaxStaleBoundsExpiry() {
    long t = now.get();
    for (int i = 0; i < 50; i++) {
      Entry e = entry("db" + i, "v1", "cache-test-value-" + i);
      assertThat(e.refreshAt).isBetween(t + REFRESH * 9 / 10, t + REFRESH * 11 / 10);
      assertThat(e.expiresAt).isEqualTo(t + MAX_STALE);
      assertThat(e.text()).isEqualTo("cache-test-value-" + i);
    }
  }

  @Test
  void settings_jitterSpan_isAFifthOfRefreshAfter() {
    assertThat(new CacheSettings(REFRESH, MAX_STALE, NEGATIVE, BACKOFF, 100, true).jitterSpanNanos())
        .isEqualTo(12_000_000_000L);
  }

  @Test
  void sweep_exactlyAtExpiry_dropsTheEntry() {
    Entry a = entry("a", "v1", "cache-test-value-a");
    cache.install("a", a);
    now.set(a.expiresAt);
    cache.sweepExpired(true);
    assertThat(cache.current("a")).as("expiresAt is the first instant it is past its bound").isNull();
  }

  @Test
  void install_afterClose_isDropped_andZeroed() {
    cache.close();
    Entry late = entry("x", "v1", "cache-test-value-x");
    assertThatThrownBy(() -> cache.replace("x", null, late)).isInstanceOf(ClientClosedException.class);
    assertThat(cache.current("x")).isNull();
    assertThat(late.value.isWiped()).isTrue();
  }

  @Test
  void invalidate_stopsMasking_butDoesNotZeroAValueCallersMayHold_unlessExpired() {
    Entry a = entry("a", "v1", "cache-test-value-held-a");
    cache.install("a", a);
    cache.invalidate("a");
    drain(); // the removal listener
    assertThat(cache.current("a")).isNull();
    assertThat(io.secretsbroker.Redactor.global().containsSecret("cache-test-value-held-a")).isFalse();
    assertThat(a.value.isWiped()).as("replaced or invalidated: a caller may still read it").isFalse();

    Entry b = entry("b", "v1", "cache-test-value-held-b");
    cache.install("b", b);
    now.set(b.expiresAt);
    cache.invalidate("b");
    drain();
    assertThat(b.value.isWiped()).as("removed at its expiry: zeroed").isTrue();
  }

  @Test
  void maintenance_runsOnTheCallingThread_onceTheExecutorRefuses() {
    SecretCache refusing = new SecretCache(new CacheSettings(REFRESH, MAX_STALE, NEGATIVE, BACKOFF, 100, false),
        now::get, Clock.systemUTC(), task -> {
          throw new java.util.concurrent.RejectedExecutionException("shut down");
        }, events, "test://");
    try {
      Entry a = refusing.entryFor("a", null, new SecretRecord("a", "v1",
          "cache-test-value-refused".getBytes(StandardCharsets.UTF_8), Instant.EPOCH));
      refusing.install("a", a);
      refusing.invalidate("a");
      assertThat(io.secretsbroker.Redactor.global().containsSecret("cache-test-value-refused"))
          .as("the removal listener ran inline").isFalse();
    } finally {
      refusing.close();
    }
  }

  @Test
  void refresh_refusedByTheExecutor_releasesTheFlag_soALaterHitTriesAgain() {
    SecretCache refusing = new SecretCache(new CacheSettings(REFRESH, MAX_STALE, NEGATIVE, BACKOFF, 100, false),
        now::get, Clock.systemUTC(), task -> {
          throw new java.util.concurrent.RejectedExecutionException("shut down");
        }, events, "test://");
    try {
      Entry a = refusing.entryFor("a", null, new SecretRecord("a", "v1",
          "cache-test-value-refresh-refused".getBytes(StandardCharsets.UTF_8), Instant.EPOCH));
      refusing.install("a", a);
      now.set(a.refreshAt);
      assertThat(refusing.hit("a")).as("the reader is served all the same").isSameAs(a);
      assertThat(a.refreshing.get()).isFalse();
    } finally {
      refusing.close();
    }
  }

  @Test
  void afterLoad_onceClosed_removesOnlyThatLoadsEntry() {
    cache.close();
    Entry kept = entry("x", "v1", "cache-test-value-kept");
    cache.install("x", kept);
    Entry late = entry("x", "v2", "cache-test-value-late");
    assertThatThrownBy(() -> cache.afterLoad("x", new java.util.concurrent.CompletableFuture<>(), late))
        .isInstanceOf(ClientClosedException.class);
    assertThat(cache.current("x")).as("another entry under the name stays").isSameAs(kept);
    assertThat(late.value.isWiped()).isTrue();
  }

  @Test
  void settings_retryBackoff_isATenthOfRefreshAfter_betweenOneAndThirtySeconds() {
    assertThat(CacheSettings.from(io.secretsbroker.internal.Settings.of(Map.of("secrets.cache.refresh-after", "PT100S")))
        .retryBackoffNanos()).isEqualTo(10_000_000_000L);
    assertThat(CacheSettings.from(io.secretsbroker.internal.Settings.of(Map.of("secrets.cache.refresh-after", "PT1S")))
        .retryBackoffNanos()).isEqualTo(1_000_000_000L);
    assertThat(CacheSettings.from(io.secretsbroker.internal.Settings.of(Map.of("secrets.cache.refresh-after", "PT1H")))
        .retryBackoffNanos()).isEqualTo(30_000_000_000L);
  }

  @Test
  void ageSeconds_ofLoadedValue_andNaNOtherwise() {
    cache.install("a", entry("a", "v1", "cache-test-value-a"));
    now.addAndGet(3_000_000_000L);
    assertThat(cache.ageSeconds("a")).isEqualTo(3.0);
    assertThat(cache.ageSeconds("missing")).isNaN();
    cache.claim("b");
    assertThat(cache.ageSeconds("b")).isNaN();
  }

  /** Counts what the cache reports. */
  private static final class Events implements CacheEvents {
    int hits;
    int staleServed;
    int firstStale;
    final List<Boolean> staleFirstFlags = new ArrayList<>();

    @Override
    public void hit(String name, String versionId) {
      hits++;
    }

    @Override
    public void staleServed(String name, String versionId, boolean first) {
      staleServed++;
      staleFirstFlags.add(first);
      if (first) {
        firstStale++;
      }
    }

    @Override
    public void misses(int count) {}

    @Override
    public void loaded(Kind kind, String name, String versionId, long nanos, String caller, String detail) {}

    @Override
    public void notFound(Kind kind, String name, long nanos, String caller, String detail) {}

    @Override
    public void loadFailed(Kind kind, String name, long nanos, String caller, Throwable error, String detail) {}

    @Override
    public void coldRead(String name, String versionId, Throwable error, boolean notFound, long nanos, String caller,
        String detail) {}

    @Override
    public void versionSeen(String name, String versionId, String previousVersion, String caller) {}

    @Override
    public void rotationDelivered() {}

    @Override
    public void denied(String name, String caller, Throwable error) {}

    @Override
    public void batchFailed(Collection<String> names, long nanos, String caller, Throwable error) {}

    @Override
    public String callerIfAudited() {
      return null;
    }

    @Override
    public void nameRead(String name, String caller) {}
  }
}
