package io.secretsbroker.internal;

import io.secretsbroker.internal.client.DefaultSecretsClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.Rotation;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotAllowedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.SecretsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DefaultSecretsClientTest {
  private static final Executor DIRECT = Runnable::run;

  private final FakeProvider provider = new FakeProvider();
  private final MutableClock clock = new MutableClock();
  private SecretsClient client;

  private SecretsClient client(Executor executor, String... keyValues) {
    client = TestClients.builder(provider, clock, executor, keyValues).build();
    return client;
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void get_cachedSecret_callsProviderOnce() {
    provider.set("db", "pw1");
    SecretsClient c = client(DIRECT);

    assertThat(c.get("db")).isEqualTo("pw1");
    assertThat(c.get("db")).isEqualTo("pw1");

    assertThat(provider.fetches).hasValue(1);
    assertThat(c.stats().hits()).isEqualTo(1);
    assertThat(c.stats().misses()).isEqualTo(1);
    assertThat(c.stats().loads()).isEqualTo(1);
  }

  @Test
  void get_64ConcurrentColdCallers_oneProviderCall() throws Exception {
    provider.set("db", "pw1");
    provider.gate = new CountDownLatch(1);
    SecretsClient c = client(DIRECT);
    int threads = 64;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> workers = new CopyOnWriteArrayList<>();
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      results.add(pool.submit(() -> {
        workers.add(Thread.currentThread());
        start.await();
        return c.get("db");
      }));
    }
    // wait until one caller is inside the provider and every other caller is parked on its future
    assertThat(provider.entered.await(10, TimeUnit.SECONDS)).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (workers.size() < threads
        || workers.stream().filter(t -> t.getState() == Thread.State.WAITING).count() < threads) {
      assertThat(System.nanoTime()).as("all callers parked").isLessThan(deadline);
      Thread.onSpinWait();
    }
    provider.gate.countDown();
    for (Future<String> r : results) {
      assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("pw1");
    }
    pool.shutdown();

    assertThat(provider.fetches).hasValue(1);
  }

  @Test
  void get_pastRefreshAfter_returnsCachedValueWithoutWaitingForReload() throws Exception {
    provider.set("db", "v1-value");
    ExecutorService background = Executors.newSingleThreadExecutor();
    SecretsClient c = client(background, "secrets.cache.refresh-after", "5m");
    List<SecretValue> seen = new CopyOnWriteArrayList<>();
    CountDownLatch announced = new CountDownLatch(1);
    c.onRotate("db", v -> {
      seen.add(v);
      announced.countDown();
    });
    assertThat(c.get("db")).isEqualTo("v1-value");
    provider.set("db", "v2-value");
    provider.gate = new CountDownLatch(1); // the reload will block inside the provider
    provider.entered = new CountDownLatch(1);
    clock.advance(Duration.ofMinutes(6));

    // the provider is held: these reads must not wait for it
    assertThat(c.get("db")).isEqualTo("v1-value");
    assertThat(c.get("db")).isEqualTo("v1-value");
    assertThat(provider.entered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(provider.fetches).hasValue(2); // one background reload, however many reads
    provider.gate.countDown();
    assertThat(announced.await(10, TimeUnit.SECONDS)).isTrue();
    background.shutdown();
    assertThat(background.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    assertThat(c.get("db")).isEqualTo("v2-value");
    assertThat(seen).extracting(SecretValue::versionId).containsExactly("2");
  }

  @Test
  void get_refreshFailsDuringOutage_servesStaleUntilMaxStale() {
    provider.set("db", "pw1");
    SecretsClient c = client(DIRECT, "secrets.cache.refresh-after", "5m", "secrets.cache.max-stale", "1h",
        "secrets.retry.max-attempts", "1");
    assertThat(c.get("db")).isEqualTo("pw1");
    provider.failAlways(() -> new ProviderUnavailableException("fake is down"));

    clock.advance(Duration.ofMinutes(6));
    assertThat(c.get("db")).isEqualTo("pw1"); // triggers a failed refresh
    assertThat(c.get("db")).isEqualTo("pw1");
    clock.advance(Duration.ofMinutes(40));
    assertThat(c.get("db")).isEqualTo("pw1");

    assertThat(c.stats().staleServed()).isGreaterThanOrEqualTo(2);
    clock.advance(Duration.ofMinutes(20)); // 66 minutes after the load
    assertThatThrownBy(() -> c.get("db")).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("fake is down");
  }

  @Test
  void get_outageRecovers_nextRefreshReplacesStaleValue() {
    provider.set("db", "pw1");
    SecretsClient c = client(DIRECT, "secrets.retry.max-attempts", "1");
    c.get("db");
    provider.failAlways(() -> new ProviderUnavailableException("down"));
    clock.advance(Duration.ofMinutes(6));
    c.get("db");
    provider.heal();
    provider.set("db", "pw2");
    clock.advance(Duration.ofSeconds(31)); // past the failed-refresh back-off

    c.get("db"); // triggers the refresh (direct executor: completes now)

    assertThat(c.get("db")).isEqualTo("pw2");
  }

  @Test
  void get_missingSecret_notFoundIsCachedForNegativeTtl() {
    SecretsClient c = client(DIRECT, "secrets.cache.negative-ttl", "10s");

    assertThatThrownBy(() -> c.get("nope")).isInstanceOf(SecretNotFoundException.class);
    assertThatThrownBy(() -> c.get("nope")).isInstanceOf(SecretNotFoundException.class);
    assertThat(provider.fetches).hasValue(1);

    provider.set("nope", "now-here");
    clock.advance(Duration.ofSeconds(11));
    assertThat(c.get("nope")).isEqualTo("now-here");
    assertThat(provider.fetches).hasValue(2);
  }

  @Test
  void get_transientFailures_retriedUntilSuccess() {
    provider.set("db", "pw1");
    provider.failNext(2, () -> new ProviderUnavailableException("throttled"));
    SecretsClient c = client(DIRECT);

    assertThat(c.get("db")).isEqualTo("pw1");
    assertThat(provider.fetches).hasValue(3);
  }

  @Test
  void get_accessDenied_notRetried() {
    provider.set("db", "pw1");
    provider.failNext(5, () -> new SecretAccessDeniedException("denied: grant secretsmanager:GetSecretValue"));
    SecretsClient c = client(DIRECT);

    assertThatThrownBy(() -> c.get("db")).isInstanceOf(SecretAccessDeniedException.class);
    assertThat(provider.fetches).hasValue(1);
  }

  @Test
  void get_notFound_notRetried() {
    SecretsClient c = client(DIRECT, "secrets.cache.negative-ttl", "1ms");
    assertThatThrownBy(() -> c.get("nope")).isInstanceOf(SecretNotFoundException.class);
    assertThat(provider.fetches).hasValue(1);
  }

  @Test
  void get_repeatedFailures_breakerOpensFailsFastThenHalfOpens() {
    provider.set("db", "pw1");
    provider.failAlways(() -> new ProviderUnavailableException("down"));
    SecretsClient c = client(DIRECT, "secrets.retry.max-attempts", "1", "secrets.breaker.window", "4",
        "secrets.breaker.wait-open", "30s");
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> c.get("db")).isInstanceOf(ProviderUnavailableException.class);
    }
    assertThat(((DefaultSecretsClient) c).breakerState()).isEqualTo("OPEN");
    int before = provider.fetches.get();

    assertThatThrownBy(() -> c.get("db")).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("circuit breaker is open").hasMessageContaining("fake");
    assertThat(provider.fetches).hasValue(before);

    provider.heal();
    clock.advance(Duration.ofSeconds(31));
    assertThat(c.get("db")).isEqualTo("pw1");
    assertThat(((DefaultSecretsClient) c).breakerState()).isEqualTo("HALF_OPEN");
  }

  @Test
  void get_breakerOpen_cachedValueStillServed() {
    provider.set("db", "pw1");
    provider.set("other", "x");
    SecretsClient c = client(DIRECT, "secrets.retry.max-attempts", "1", "secrets.breaker.window", "2");
    c.get("db");
    provider.failAlways(() -> new ProviderUnavailableException("down"));
    assertThatThrownBy(() -> c.get("other")).isInstanceOf(ProviderUnavailableException.class);
    assertThatThrownBy(() -> c.get("other")).isInstanceOf(ProviderUnavailableException.class);
    assertThat(((DefaultSecretsClient) c).breakerState()).isEqualTo("OPEN");

    clock.advance(Duration.ofMinutes(6));
    assertThat(c.get("db")).isEqualTo("pw1");
  }

  @Test
  void refresh_newVersion_listenerCalledOncePerVersion() {
    provider.set("db", "pw1");
    SecretsClient c = client(DIRECT);
    List<String> seen = new ArrayList<>();
    c.onRotate("db", v -> seen.add(v.versionId() + ":" + v.asString()));
    c.get("db");

    c.refresh("db"); // same version: nothing announced
    provider.set("db", "pw2");
    c.refresh("db");
    c.refresh("db");
    clock.advance(Duration.ofMinutes(6));
    c.get("db"); // background refresh finds the same version

    assertThat(seen).containsExactly("2:pw2");
    assertThat(c.stats().rotations()).isEqualTo(1);
  }

  @Test
  void refresh_listenerReadingTheName_seesTheNewValue() {
    provider.set("db", "pw1");
    SecretsClient c = client(DIRECT);
    List<String> readByListener = new ArrayList<>();
    c.onRotate("db", v -> readByListener.add(c.get("db")));
    c.get("db");

    provider.set("db", "pw2");
    c.refresh("db"); // explicit refresh
    provider.set("db", "pw3");
    clock.advance(Duration.ofMinutes(6));
    c.get("db"); // background refresh (direct executor: runs now)

    assertThat(readByListener).containsExactly("pw2", "pw3");
  }

  @Test
  void backgroundRefresh_overtakenByRotate_doesNotOverwriteTheRotatedValue() {
    provider.set("db", "pw1");
    List<Runnable> queued = new ArrayList<>();
    SecretsClient c = client(queued::add, "secrets.cache.refresh-after", "5m");
    List<String> announced = new ArrayList<>();
    c.onRotate("db", v -> announced.add(v.versionId()));
    c.get("db");
    clock.advance(Duration.ofMinutes(6));
    c.get("db"); // queues the background refresh (and maybe Caffeine maintenance)
    List<Runnable> held = new ArrayList<>(queued);
    queued.clear();
    provider.set("db", "pw-from-elsewhere"); // what the late refresh reads: version 2
    SecretValue[] rotated = new SecretValue[1];
    // the refresh has read version 2 when this rotation (to version 3) lands
    provider.afterRead = () -> rotated[0] = c.rotate("db", Rotation.defaults());

    held.forEach(Runnable::run);
    while (!queued.isEmpty()) {
      queued.remove(0).run();
    }

    assertThat(rotated[0].versionId()).isEqualTo("3");
    assertThat(announced).containsExactly("3");
    assertThat(c.value("db").versionId()).isEqualTo("3");
    assertThat(c.get("db")).isEqualTo(rotated[0].asString());
  }

  @Test
  void close_duringBackgroundRefresh_refreshEndsQuietlyAndCachesNothing() {
    provider.set("db", "pw1");
    List<Runnable> queued = new ArrayList<>();
    SecretsClient c = client(queued::add, "secrets.cache.refresh-after", "5m");
    c.get("db");
    clock.advance(Duration.ofMinutes(6));
    c.get("db");
    provider.set("db", "pw2");
    java.util.logging.Logger caffeineLog = java.util.logging.Logger.getLogger("com.github.benmanes.caffeine");
    List<java.util.logging.LogRecord> logged = new CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        logged.add(r);
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    caffeineLog.addHandler(capture);
    try {
      c.close();
      new ArrayList<>(queued).forEach(Runnable::run); // the refresh finishes after close

      assertThat(logged).isEmpty();
      assertThat(provider.fetches).as("the refresh queued before close never reaches the driver").hasValue(1);
      assertThat(((DefaultSecretsClient) c).ageSeconds("db")).isNaN();
    } finally {
      caffeineLog.removeHandler(capture);
    }
  }

  @Test
  void get_expiredEntryNeverReadAgain_isDroppedByTheNextMiss() {
    provider.set("old", "pw-old");
    provider.set("other", "pw-other");
    SecretsClient c = client(DIRECT, "secrets.cache.refresh-after", "1m", "secrets.cache.max-stale", "2m");
    SecretValue old = c.value("old");
    clock.advance(Duration.ofMinutes(3));

    c.get("other"); // a miss on another name sweeps expired entries

    assertThat(old.isWiped()).isTrue();
    assertThat(((DefaultSecretsClient) c).ageSeconds("old")).isNaN();
  }

  @Test
  void onRotate_listenerThrows_otherListenersStillCalled() {
    provider.set("db", "pw1");
    SecretsClient c = client(DIRECT);
    List<String> seen = new ArrayList<>();
    c.onRotate("db", v -> {
      throw new IllegalStateException("listener bug");
    });
    c.onRotate("db", v -> seen.add(v.versionId()));
    c.get("db");
    provider.set("db", "pw2");

    c.refresh("db");

    assertThat(seen).containsExactly("2");
  }

  @Test
  void onRotate_closedSubscription_notCalled() {
    provider.set("db", "pw1");
    SecretsClient c = client(DIRECT);
    List<String> seen = new ArrayList<>();
    c.get("db");
    c.onRotate("db", v -> seen.add(v.versionId())).close();
    provider.set("db", "pw2");

    c.refresh("db");

    assertThat(seen).isEmpty();
  }

  @Test
  void rotate_verified_writesNewValueAndAnnouncesOnce() {
    provider.set("db", "old-password");
    SecretsClient c = client(DIRECT);
    List<String> seen = new ArrayList<>();
    c.onRotate("db", v -> seen.add(v.versionId()));
    List<String> verified = new ArrayList<>();

    SecretValue rotated = c.rotate("db", Rotation.builder().verify(v -> verified.add(v.asString())).build());

    assertThat(rotated.asString()).hasSize(32).isNotEqualTo("old-password").matches("[A-Za-z0-9]+");
    assertThat(provider.current("db")).isEqualTo(rotated.asString());
    assertThat(verified).containsExactly(rotated.asString());
    assertThat(c.get("db")).isEqualTo(rotated.asString());
    c.refresh("db");
    assertThat(seen).containsExactly(rotated.versionId());
  }

  @Test
  void rotate_verificationFails_previousValueRestored() {
    provider.set("db", "old-password");
    SecretsClient c = client(DIRECT);
    List<String> seen = new ArrayList<>();
    c.onRotate("db", v -> seen.add(v.versionId()));

    assertThatThrownBy(() -> c.rotate("db", Rotation.builder().verify(v -> {
      throw new IllegalStateException("database refused the login");
    }).build()))
        .isInstanceOf(RotationFailedException.class)
        .hasMessageContaining("never replaced")
        .hasMessageNotContaining("old-password");

    assertThat(provider.current("db")).isEqualTo("old-password");
    assertThat(c.get("db")).isEqualTo("old-password");
    assertThat(provider.versions.get("db")).hasSize(1); // the candidate was only ever pending
    assertThat(provider.pending).isEmpty(); // and it was discarded
    assertThat(seen).isEmpty();
  }

  @Test
  void rotate_aliasWithField_replacesOnlyThatField() {
    provider.set("prod/orders/db", "{\"user\":\"app\",\"password\":\"old\"}");
    SecretsClient c = client(DIRECT, "secrets.env", "prod", "secrets.alias.db", "prod/orders/db#password");

    SecretValue rotated = c.rotate("db", Rotation.builder().generator(v -> "fresh-password-123").build());

    assertThat(rotated.field("user")).isEqualTo("app");
    assertThat(c.get("db")).isEqualTo("fresh-password-123");
    assertThat(provider.current("prod/orders/db")).contains("\"user\":\"app\"");
  }

  @Test
  void values_coldNames_oneBatchCallAndMissingNamed() {
    provider.set("a", "1");
    provider.set("b", "2");
    SecretsClient c = client(DIRECT);
    c.get("a");

    Map<String, SecretValue> got = c.values(List.of("a", "b"));
    assertThat(got).containsOnlyKeys("a", "b");
    assertThat(got.get("b").asString()).isEqualTo("2");
    assertThat(provider.fetchAlls).hasValue(1);
    assertThat(provider.fetches).hasValue(1);

    assertThatThrownBy(() -> c.values(List.of("a", "missing1", "missing2")))
        .isInstanceOf(SecretNotFoundException.class).hasMessageContaining("missing1, missing2");
  }

  @Test
  void get_notInAllowlist_refusedBeforeProviderAndCounted() {
    provider.set("db", "pw");
    provider.set("stripe/key", "sk");
    SecretsClient c = client(DIRECT, "secrets.allow", "db,stripe/*");

    assertThat(c.get("db")).isEqualTo("pw");
    assertThat(c.get("stripe/key")).isEqualTo("sk");
    assertThatThrownBy(() -> c.get("admin")).isInstanceOf(SecretNotAllowedException.class)
        .hasMessageContaining("secrets.allow");
    assertThatThrownBy(() -> c.rotate("admin", Rotation.defaults())).isInstanceOf(SecretNotAllowedException.class);

    assertThat(provider.fetchedNames).containsExactly("db", "stripe/key");
    assertThat(c.stats().denied()).isEqualTo(2);
  }

  @Test
  void get_envAndTemplate_fetchesPrefixedName() {
    provider.set("prod/db", "prod-pw");
    SecretsClient c = client(DIRECT, "secrets.env", "prod");

    assertThat(c.get("db")).isEqualTo("prod-pw");
    assertThatThrownBy(() -> c.get("../staging/db")).isInstanceOf(SecretsException.class);
    assertThat(provider.fetchedNames).containsExactly("prod/db");
  }

  @Test
  void get_aliasWithField_returnsField() {
    provider.set("prod/orders/db", "{\"user\":\"app\",\"password\":\"pw\",\"port\":5432}");
    SecretsClient c = client(DIRECT, "secrets.env", "prod", "secrets.alias.db", "prod/orders/db#password");

    assertThat(c.get("db")).isEqualTo("pw");
    assertThat(c.value("db").field("port")).isEqualTo("5432");
  }

  @Test
  void get_invalidNames_rejectedBeforeProvider() {
    SecretsClient c = client(DIRECT);
    for (String bad : List.of("", "a/../b", "bad\u0000name", "x".repeat(600), "/abs")) {
      assertThatThrownBy(() -> c.get(bad)).isInstanceOf(SecretsException.class);
    }
    assertThat(provider.fetches).hasValue(0);
  }

  @Test
  void get_binarySecret_explainsHowToReadIt() {
    provider.set("cert", new byte[] {(byte) 0xff, (byte) 0xfe, 0});
    SecretsClient c = client(DIRECT);

    assertThatThrownBy(() -> c.get("cert")).isInstanceOf(SecretsException.class).hasMessageContaining("asBytes");
    assertThat(c.value("cert").asBytes()).containsExactly((byte) 0xff, (byte) 0xfe, 0);
  }

  @Test
  void close_wipesValuesAndClosesProvider() {
    provider.set("db", "pw");
    SecretsClient c = client(DIRECT);
    SecretValue v = c.value("db");

    c.close();
    c.close();

    assertThat(v.isWiped()).isTrue();
    assertThat(provider.closed).isTrue();
    assertThatThrownBy(() -> c.get("db")).isInstanceOf(SecretsException.class).hasMessageContaining("closed");
  }

  @Test
  void get_maxSizeExceeded_evictedValueWiped() {
    provider.set("a", "1");
    provider.set("b", "2");
    SecretsClient c = client(DIRECT, "secrets.cache.max-size", "1");
    SecretValue a = c.value("a");
    c.value("b");
    ((DefaultSecretsClient) c).cleanUp();

    assertThat(a.isWiped()).isTrue();
    assertThat(c.get("b")).isEqualTo("2");
  }
}
