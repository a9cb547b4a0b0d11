package io.secretsbroker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretsClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Prefetch at start-up and refresh in batches: what keeps a fleet's store bill at one call per
 * batch per refresh period (issue 17's fleet model) instead of one call per secret.
 */
class BatchRefreshTest {
  private static final Executor DIRECT = Runnable::run;
  private final FakeProvider provider = new FakeProvider();
  private final MutableClock clock = new MutableClock();
  private SecretsClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private SecretsClient client(String... keyValues) {
    client = TestClients.builder(provider, clock, DIRECT, keyValues).build();
    return client;
  }

  private void seed(int n) {
    for (int i = 0; i < n; i++) {
      provider.set("s" + i, "value-" + i);
    }
  }

  @Test
  void build_withPrefetch_loadsEveryNameInOneBatch_soReadsAreHits() {
    seed(20);
    SecretsClient c = client("secrets.prefetch", String.join(",", names(20)));
    assertThat(provider.fetchAlls.get()).isEqualTo(1);
    assertThat(provider.fetches.get()).isZero();
    names(20).forEach(c::get);
    assertThat(c.stats().hits()).isEqualTo(20);
    assertThat(provider.fetchAlls.get()).isEqualTo(1);
  }

  @Test
  void afterRestore_prefetchedNamesReloadInOneBatch_beforeTheFirstRead() throws Exception {
    seed(20);
    SecretsClient c = client("secrets.prefetch", String.join(",", names(20)));
    var snapshot = ((io.secretsbroker.internal.client.DefaultSecretsClient) c).snapshotResource();
    snapshot.beforeCheckpoint(null);
    assertThat(provider.handedOut).allSatisfy(bytes -> assertThat(bytes).containsOnly(0));
    snapshot.afterRestore(null);
    assertThat(provider.fetchAlls.get()).as("batch calls: the build's prefetch, then the restore's").isEqualTo(2);
    names(20).forEach(c::get);
    assertThat(c.stats().hits()).isEqualTo(20);
    assertThat(provider.fetches.get()).as("single reads").isZero();
  }

  @Test
  void refresh_entriesLoadedTogether_refreshInOneBatchCall_andStayTogether() {
    seed(20);
    SecretsClient c = client("secrets.prefetch", String.join(",", names(20)), "secrets.cache.refresh-after", "5m");
    for (int period = 1; period <= 3; period++) {
      clock.advance(Duration.ofMinutes(6)); // past every entry's jittered refresh time (at most 5.5 min)
      names(20).forEach(c::get); // the first read starts one batch refresh (direct executor: done now)
      assertThat(provider.fetchAlls.get()).as("batch calls after period " + period).isEqualTo(1 + period);
      assertThat(provider.fetches.get()).isZero();
    }
  }

  @Test
  void refresh_batchFallsDueAtOneJitteredDraw_notAtTheEarliestOfItsEntries() {
    // refresh-after 5 min jittered +-10%: one draw per batch falls due after 300 s on average; the
    // earliest of 20 draws (every entry drawing its own, the batch taking the first) after 272.9 s,
    // which is 10% more store calls for every batch of a fleet. 40 periods: the mean of one draw
    // per period has a standard deviation of 2.7 s, so 285 s is more than 5 of them from either.
    seed(20);
    SecretsClient c = client("secrets.prefetch", String.join(",", names(20)), "secrets.cache.refresh-after", "5m");
    int periods = 40;
    long waited = 0;
    for (int period = 1; period <= periods; period++) {
      int seconds = 0;
      while (provider.fetchAlls.get() == period) { // until this period's batch refresh has run
        clock.advance(Duration.ofSeconds(1));
        seconds++;
        c.get("s0");
      }
      waited += seconds;
      assertThat(provider.fetchAlls.get()).as("one batch call per period").isEqualTo(period + 1);
    }
    assertThat(provider.fetches.get()).as("the batch never splits into single reads").isZero();
    assertThat(waited / (double) periods).as("mean seconds from a batch load to its refresh").isGreaterThan(285);
  }

  @Test
  void refresh_batchOff_refreshesEachEntryOnItsOwn() {
    seed(5);
    SecretsClient c = client("secrets.prefetch", String.join(",", names(5)), "secrets.cache.refresh-batch", "false");
    clock.advance(Duration.ofMinutes(6));
    names(5).forEach(c::get);
    assertThat(provider.fetchAlls.get()).isEqualTo(1); // the prefetch only
    assertThat(provider.fetches.get()).isEqualTo(5);
  }

  @Test
  void refresh_entryNotYetDue_isLeftForItsOwnRefresh() {
    seed(2);
    SecretsClient c = client();
    c.get("s0");
    clock.advance(Duration.ofMinutes(3));
    c.get("s1"); // loaded 3 minutes later: due far outside s0's jitter span
    clock.advance(Duration.ofMinutes(3)); // s0 due (5.5 min at most), s1 not (4.5 min at least)
    c.get("s0");
    assertThat(provider.fetches.get()).as("s0 refreshed alone").isEqualTo(3);
    assertThat(provider.fetchAlls.get()).isZero();
  }

  @Test
  void refresh_batchFails_servesEveryCachedValueStale_andBacksOff() {
    seed(3);
    SecretsClient c = client("secrets.prefetch", "s0,s1,s2");
    provider.failAlways(() -> new ProviderUnavailableException("store down"));
    clock.advance(Duration.ofMinutes(6));
    names(3).forEach(n -> assertThat(c.get(n)).isEqualTo("value-" + n.substring(1)));
    int callsAfterFailure = provider.fetchAlls.get();
    names(3).forEach(c::get); // backing off: no new call
    assertThat(provider.fetchAlls.get()).isEqualTo(callsAfterFailure);
    assertThat(c.stats().staleServed()).isPositive();
  }

  @Test
  void refresh_batchSeesNewVersion_announcesItOnce() {
    seed(2);
    SecretsClient c = client("secrets.prefetch", "s0,s1");
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    c.onRotate("s1", v -> seen.add(v.versionId()));
    String v2 = provider.set("s1", "rotated");
    clock.advance(Duration.ofMinutes(6));
    c.get("s0"); // s0's refresh takes s1 along
    assertThat(c.get("s1")).isEqualTo("rotated");
    assertThat(seen).containsExactly(v2);
  }

  @Test
  void build_prefetchFails_startsAnyway_andLoadsOnFirstUse() {
    seed(1);
    provider.failNext(3, () -> new ProviderUnavailableException("store down"));
    SecretsClient c = client("secrets.prefetch", "s0");
    assertThat(c.get("s0")).isEqualTo("value-0");
  }

  @Test
  void build_prefetchRequiredAndFails_failsStartUp() {
    seed(1);
    provider.failAlways(() -> new ProviderUnavailableException("store down"));
    assertThatThrownBy(() -> client("secrets.prefetch", "s0", "secrets.prefetch.required", "true"))
        .isInstanceOf(ProviderUnavailableException.class);
    assertThat(provider.closes.get()).isEqualTo(1);
  }

  @Test
  void build_prefetchPatternOrNameOutsideAllow_refusedAtStartUp() {
    assertThatThrownBy(() -> client("secrets.prefetch", "stripe/*"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("exact names");
    assertThatThrownBy(() -> client("secrets.allow", "db", "secrets.prefetch", "db,other"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'other'");
    assertThat(provider.fetchAlls.get() + provider.fetches.get()).isZero();
  }

  private static List<String> names(int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> "s" + i).toList();
  }
}
