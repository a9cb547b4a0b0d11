package io.secretsbroker.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.SecretsException;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import io.secretsbroker.spi.SecretRecord;
import io.secretsbroker.testkit.InMemorySecretProvider.Operation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemorySecretProviderTest {
  private static final String SECRET = "top-s3cret-value-91"; // secrets-guard:allow test sentinel the no-leak assertions look for
  private final InMemorySecretProvider store = new InMemorySecretProvider();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() {
    store.close();
    pool.shutdownNow();
  }

  private static String text(SecretRecord r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }

  @Test
  void seed_twice_versionsAreRandomAndDistinct() {
    store.seed("db", "a").seed("db", "b");

    List<String> versions = store.versions("db");
    assertThat(versions).hasSize(2).doesNotHaveDuplicates().allMatch(v -> v.matches("[0-9a-f]{32}"));
    assertThat(store.fetch("db").versionId()).isEqualTo(versions.get(1));
    assertThat(text(store.fetchVersion("db", versions.get(0)))).isEqualTo("a");
  }

  @Test
  void fetch_callerZeroesReturnedArray_storeKeepsValue() {
    store.seed("db", SECRET);

    java.util.Arrays.fill(store.fetch("db").value(), (byte) 0);

    assertThat(text(store.fetch("db"))).isEqualTo(SECRET);
  }

  @Test
  void seed_callerChangesArrayAfterwards_storeKeepsValue() {
    byte[] value = SECRET.getBytes(StandardCharsets.UTF_8);
    store.seed("db", value);

    value[0] = 'X';

    assertThat(store.currentValue("db")).contains(SECRET);
  }

  @Test
  void delete_existing_fetchNotFoundAndNumberingContinues() {
    store.seed("db", "a").seed("db", "b");
    List<String> before = store.versions("db");

    assertThat(store.delete("db")).isTrue();
    assertThatThrownBy(() -> store.fetch("db")).isInstanceOf(SecretNotFoundException.class).hasMessageContaining("db");
    assertThatThrownBy(() -> store.fetchVersion("db", before.get(0))).isInstanceOf(SecretNotFoundException.class);
    assertThat(store.names()).doesNotContain("db");
    assertThat(store.delete("db")).isFalse();

    store.seed("db", "c");
    assertThat(store.fetch("db").versionId()).isNotIn(before);
  }

  @Test
  void counters_eachOperation_countedPerOperationAndName() {
    store.seed("a", "1").seed("b", "2");

    store.fetch("a");
    store.fetch("a");
    store.fetchVersion("b", store.currentVersion("b").orElseThrow());
    store.fetchAll(Set.of("a", "b", "missing"));
    store.put("a", "3");
    catchThrowable(() -> store.fetch("missing"));

    assertThat(store.fetchCount()).isEqualTo(3);
    assertThat(store.fetchCount("a")).isEqualTo(2);
    assertThat(store.fetchCount("missing")).isEqualTo(1);
    assertThat(store.fetchVersionCount()).isEqualTo(1);
    assertThat(store.fetchAllCount()).isEqualTo(1);
    assertThat(store.putCount()).isEqualTo(1);
    assertThat(store.putCount("a")).isEqualTo(1);
    assertThat(store.readCount("a")).isEqualTo(3);
    assertThat(store.readCount("b")).isEqualTo(2);
    assertThat(store.callCount()).isEqualTo(6);
  }

  @Test
  void counters_seedAndInspection_notCounted() {
    store.seed("a", "1");
    store.currentValue("a");
    store.currentVersion("a");
    store.versions("a");

    assertThat(store.callCount()).isZero();
  }

  @Test
  void resetCounts_afterCalls_allZero() {
    store.seed("a", "1");
    store.fetch("a");

    store.resetCounts();

    assertThat(store.callCount()).isZero();
    assertThat(store.fetchCount("a")).isZero();
    assertThat(store.readCount("a")).isZero();
  }

  @Test
  void failNext_two_failsTwiceThenSucceedsAndCountsFailedCalls() {
    store.seed("db", SECRET).failNext(2, () -> new SecretAccessDeniedException("injected"));

    assertThatThrownBy(() -> store.fetch("db")).isInstanceOf(SecretAccessDeniedException.class);
    assertThatThrownBy(() -> store.fetch("db")).isInstanceOf(SecretAccessDeniedException.class);
    assertThat(text(store.fetch("db"))).isEqualTo(SECRET);
    assertThat(store.fetchCount("db")).isEqualTo(3);
  }

  @Test
  void failNext_withoutSupplier_throwsProviderUnavailable() {
    store.seed("db", SECRET).failNext(1);

    Throwable t = catchThrowable(() -> store.fetch("db"));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("memory");
    assertThat(t.getMessage()).doesNotContain(SECRET);
  }

  @Test
  void failNext_queued_appliedInOrder() {
    store.seed("db", "v")
        .failNext(1, () -> new ProviderUnavailableException("first"))
        .failNext(1, () -> new IllegalStateException("second"));

    assertThatThrownBy(() -> store.fetch("db")).hasMessage("first");
    assertThatThrownBy(() -> store.fetch("db")).isInstanceOf(IllegalStateException.class).hasMessage("second");
    assertThat(text(store.fetch("db"))).isEqualTo("v");
  }

  @Test
  void failNext_forPut_readsUnaffected() {
    store.seed("db", "old").failNext(Operation.PUT, 1, () -> new ProviderUnavailableException("put failed"));

    assertThat(text(store.fetch("db"))).isEqualTo("old");
    assertThatThrownBy(() -> store.put("db", "new")).hasMessage("put failed");
    assertThat(store.currentValue("db")).contains("old");
    assertThat(store.put("db", "new").versionId()).isNotEqualTo(store.versions("db").get(0));
  }

  @Test
  void failAlways_untilClearFaults_everyCallFails() {
    store.seed("db", "v").failAlways(() -> new ProviderUnavailableException("outage"));

    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> store.fetch("db")).hasMessage("outage");
    }
    store.clearFaults();

    assertThat(text(store.fetch("db"))).isEqualTo("v");
  }

  @Test
  void throttle_beyondLimitInWindow_failsThrottledUntilNextWindow() {
    ManualClock clock = new ManualClock();
    store.clock(clock).seed("db", "v").throttle(2, Duration.ofSeconds(1));

    store.fetch("db");
    store.fetch("db");
    Throwable t = catchThrowable(() -> store.fetch("db"));
    clock.advance(Duration.ofSeconds(1));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("throttled");
    assertThat(text(store.fetch("db"))).isEqualTo("v");
  }

  @Test
  void throttleNext_one_failsOnceAsThrottled() {
    store.seed("db", "v").throttleNext(1);

    assertThatThrownBy(() -> store.fetch("db")).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("throttled");
    assertThat(text(store.fetch("db"))).isEqualTo("v");
  }

  @Test
  void latency_set_callTakesAtLeastThatLong() {
    store.seed("db", "v").latency(Duration.ofMillis(30));

    long start = System.nanoTime();
    store.fetch("db");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
    assertThatThrownBy(() -> store.latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deny_thenAllow_accessDeniedThenValue() {
    store.seed("db", SECRET).deny("db");

    Throwable t = catchThrowable(() -> store.fetch("db"));
    assertThat(t).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("db");
    assertThat(t.getMessage()).doesNotContain(SECRET);
    assertThatThrownBy(() -> store.fetchAll(Set.of("db"))).isInstanceOf(SecretAccessDeniedException.class);
    assertThatThrownBy(() -> store.put("db", "x")).isInstanceOf(SecretAccessDeniedException.class);

    store.allow("db");
    assertThat(text(store.fetch("db"))).isEqualTo(SECRET);
  }

  /** Starts a read of "db" on another thread and waits until it is blocked by {@code hold}. */
  private CompletableFuture<SecretRecord> heldRead(FetchHold hold) throws InterruptedException {
    CompletableFuture<SecretRecord> read = CompletableFuture.supplyAsync(() -> store.fetch("db"), pool);
    assertThat(hold.awaitBlocked(1, Duration.ofSeconds(10))).isTrue();
    return read;
  }

  @Test
  void holdFetches_readBlocksUntilReleased() throws Exception {
    FetchHold hold = store.seed("db", "v").holdFetches();

    CompletableFuture<SecretRecord> read = heldRead(hold);

    assertThat(read).isNotDone();
    assertThat(hold.blockedCount()).isEqualTo(1);
    hold.release();
    assertThat(text(read.get())).isEqualTo("v");
    assertThat(hold.blockedCount()).isZero();
  }

  @Test
  void holdFetches_putNotHeld() {
    store.seed("db", "v");
    try (FetchHold hold = store.holdFetches()) {
      assertThat(store.put("db", "w").versionId()).isEqualTo(store.currentVersion("db").orElseThrow());
      assertThat(hold.arrivedCount()).isZero();
    }
  }

  @Test
  void holdFetches_whileActive_secondHoldRefused() {
    try (FetchHold first = store.holdFetches()) {
      assertThatThrownBy(store::holdFetches).isInstanceOf(IllegalStateException.class);
    }
    store.holdFetches().release();
  }

  @Test
  void close_whileReadHeld_releasesReaderAndLaterCallsFail() throws Exception {
    CompletableFuture<SecretRecord> read = heldRead(store.seed("db", "v").holdFetches());

    store.close();

    assertThat(text(read.get())).isEqualTo("v");
    assertThat(store.closed()).isTrue();
    assertThatThrownBy(() -> store.fetch("db")).isInstanceOf(SecretsException.class).hasMessageContaining("closed");
  }

  @Test
  void named_sameName_sameInstanceUntilClosed() {
    InMemorySecretProvider a = InMemorySecretProvider.named("orders-test");
    try {
      assertThat(InMemorySecretProvider.named("orders-test")).isSameAs(a);
      assertThat(InMemorySecretProvider.namedStores()).contains("orders-test");
      assertThat(a.id()).isEqualTo("memory:orders-test");
    } finally {
      a.close();
    }
    assertThat(InMemorySecretProvider.namedStores()).doesNotContain("orders-test");
    InMemorySecretProvider fresh = InMemorySecretProvider.named("orders-test");
    assertThat(fresh).isNotSameAs(a);
    assertThat(fresh.closed()).isFalse();
    fresh.close();
  }

  @Test
  void factory_namedUri_opensSharedStore() {
    InMemorySecretProvider seeded = InMemorySecretProvider.named("factory-test").seed("db", "v");
    try (SecretProvider opened = new InMemorySecretProviderFactory().create(ProviderUri.parse("memory://factory-test"))) {
      assertThat(opened).isSameAs(seeded);
      assertThat(text(opened.fetch("db"))).isEqualTo("v");
    }
  }

  @Test
  void factory_noName_newStoreEachTime() {
    InMemorySecretProviderFactory factory = new InMemorySecretProviderFactory();

    SecretProvider a = factory.create(ProviderUri.parse("memory://"));
    SecretProvider b = factory.create(ProviderUri.parse("memory://"));

    assertThat(a).isNotSameAs(b).isInstanceOf(InMemorySecretProvider.class);
    assertThat(((InMemorySecretProvider) a).storeName()).isEmpty();
  }

  @Test
  void factory_production_refusesNamingTheEnvironment() {
    for (String env : List.of("prod", "Production")) {
      assertThatThrownBy(() -> new InMemorySecretProviderFactory()
          .create(ProviderUri.parse("memory://x", Map.of("secrets.env", env))))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("secrets.env=" + env.toLowerCase())
          .hasMessageContaining("test store");
    }
  }

  @Test
  void factory_queryParameterOrPath_rejected() {
    InMemorySecretProviderFactory factory = new InMemorySecretProviderFactory();

    assertThatThrownBy(() -> factory.create(ProviderUri.parse("memory://x?seed=1")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("seed");
    assertThatThrownBy(() -> factory.create(ProviderUri.parse("memory://x/y")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("path");
  }

  @Test
  void serviceLoader_findsMemoryScheme() {
    assertThat(ServiceLoader.load(SecretProviderFactory.class).stream()
        .map(p -> p.get().scheme())).contains("memory");
  }

  @Test
  void client_namedStoreUri_readsSeededAndCloseStartsFresh() {
    InMemorySecretProvider seeded = InMemorySecretProvider.named("client-test").seed("db", "pw");
    try (SecretsClient client = SecretsClient.builder().ambientConfiguration(false)
        .property("secrets.provider", "memory://client-test").build()) {
      assertThat(client.get("db")).isEqualTo("pw");
      assertThat(seeded.fetchCount("db")).isEqualTo(1);
    }

    assertThat(seeded.closed()).isTrue();
    assertThat(InMemorySecretProvider.named("client-test").names()).isEmpty();
    InMemorySecretProvider.named("client-test").close();
  }

  @Test
  void client_anonymousUri_opensEmptyStore() {
    try (SecretsClient client = SecretsClient.builder().ambientConfiguration(false)
        .property("secrets.provider", "memory://").build()) {
      assertThatThrownBy(() -> client.get("db")).isInstanceOf(SecretNotFoundException.class);
    }
  }

  @Test
  void toString_listsNamesNotValues() {
    store.seed("db", SECRET);

    assertThat(store.toString()).contains("db").doesNotContain(SECRET);
  }
}
