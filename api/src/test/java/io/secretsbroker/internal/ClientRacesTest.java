package io.secretsbroker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ClientClosedException;
import io.secretsbroker.Rotation;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The races of issue 10 §1, each forced with a latch or a hook inside the provider, so the
 * interleaving is the same on every run.
 */
class ClientRacesTest {
  private static final Executor DIRECT = Runnable::run;

  private final FakeProvider provider = new FakeProvider();
  private final MutableClock clock = new MutableClock();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private SecretsClient client;

  private SecretsClient client(Executor executor, String... keyValues) {
    client = TestClients.builder(provider, clock, executor, keyValues).build();
    return client;
  }

  @AfterEach
  void tearDown() {
    CountDownLatch g = provider.gate;
    if (g != null) {
      g.countDown();
    }
    if (client != null) {
      client.close();
    }
    pool.shutdownNow();
  }

  @Test
  void refresh_newerEntryInstalledWhileLoading_keepsTheNewerOne() {
    provider.set("db", "value-one-1");
    SecretsClient c = client(DIRECT);
    assertThat(c.get("db")).isEqualTo("value-one-1");
    // the outer refresh has read version 1; before it installs it, version 2 is stored and cached
    provider.afterRead = () -> {
      provider.set("db", "value-two-2");
      c.refresh("db");
    };

    c.refresh("db");

    assertThat(c.get("db")).isEqualTo("value-two-2");
    assertThat(c.value("db").versionId()).isEqualTo("2");
  }

  @Test
  void close_concurrentCalls_closeTheProviderExactlyOnce() throws Exception {
    for (int trial = 0; trial < 300; trial++) {
      FakeProvider p = new FakeProvider();
      SecretsClient c = TestClients.builder(p, clock, DIRECT).build();
      CyclicBarrier start = new CyclicBarrier(2);
      Future<?> a = pool.submit(() -> {
        start.await();
        c.close();
        return null;
      });
      start.await();
      c.close();
      a.get(10, TimeUnit.SECONDS);
      assertThat(p.closes).as("provider closes in trial %d", trial).hasValue(1);
    }
  }

  @Test
  void close_whileColdLoadInFlight_callerGetsClosedErrorAndValueIsZeroed() throws Exception {
    provider.set("db", "in-flight-value");
    provider.gate = new CountDownLatch(1);
    SecretsClient c = client(DIRECT);
    Future<String> read = pool.submit(() -> c.get("db"));
    assertThat(provider.entered.await(10, TimeUnit.SECONDS)).isTrue();

    c.close();
    provider.gate.countDown();

    assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ClientClosedException.class);
    assertThat(provider.handedOut).isNotEmpty().allSatisfy(bytes -> assertThat(bytes).containsOnly(0));
  }

  @Test
  void values_coldGetDuringBatch_joinsTheBatchInsteadOfCallingTheProvider() throws Exception {
    provider.set("db", "batched-value");
    provider.gate = new CountDownLatch(1);
    SecretsClient c = client(DIRECT);
    Future<?> batch = pool.submit(() -> c.values(List.of("db")));
    assertThat(provider.entered.await(10, TimeUnit.SECONDS)).isTrue(); // fetchAll is held
    Thread[] getter = new Thread[1];
    Future<String> single = pool.submit(() -> {
      getter[0] = Thread.currentThread();
      return c.get("db");
    });
    awaitParked(() -> getter[0]); // parked: on the batch's future (fixed) or in the gate (old code)

    provider.gate.countDown();

    assertThat(single.get(10, TimeUnit.SECONDS)).isEqualTo("batched-value");
    batch.get(10, TimeUnit.SECONDS);
    assertThat(provider.fetches).as("single fetches").hasValue(0);
    assertThat(provider.fetchAlls).hasValue(1);
  }

  @Test
  void values_reloadOfExpiredEntryWithNewVersion_announcesIt() throws Exception {
    provider.set("db", "first-value");
    SecretsClient c = client(DIRECT, "secrets.cache.refresh-after", "1m", "secrets.cache.max-stale", "1m");
    List<String> seen = new CopyOnWriteArrayList<>();
    c.onRotate("db", v -> seen.add(v.versionId()));
    c.values(List.of("db"));
    provider.set("db", "second-value");
    clock.advance(Duration.ofMinutes(2)); // past max-stale: the next read loads it again

    assertThat(c.values(List.of("db")).get("db").asString()).isEqualTo("second-value");

    assertThat(seen).containsExactly("2");
    assertThat(c.stats().rotations()).isEqualTo(1);
  }

  @Test
  void get_reloadOfExpiredEntryWithNewVersion_announcesIt() {
    provider.set("db", "first-value");
    SecretsClient c = client(DIRECT, "secrets.cache.refresh-after", "1m", "secrets.cache.max-stale", "1m");
    List<String> seen = new CopyOnWriteArrayList<>();
    c.onRotate("db", v -> seen.add(v.versionId()));
    c.get("db");
    provider.set("db", "second-value");
    clock.advance(Duration.ofMinutes(2));

    assertThat(c.get("db")).isEqualTo("second-value");

    assertThat(seen).containsExactly("2");
  }

  @Test
  void stats_rotations_countOnlyAnnouncementsListenersSaw() {
    provider.set("db", "before-rotation");
    SecretsClient c = client(DIRECT);
    List<String> seen = new CopyOnWriteArrayList<>();
    c.onRotate("db", v -> seen.add(v.versionId()));
    c.get("db");
    // a reload during the rotation sees the new version; its announcement is held back
    Rotation r = Rotation.builder().generator(cur -> "after-rotation").verify(candidate -> c.refresh("db")).build();

    c.rotate("db", r);

    assertThat(seen).hasSize(1);
    assertThat(c.stats().rotations()).isEqualTo(seen.size());
  }

  @Test
  void wallClockStep_movesNoDeadline() {
    provider.set("db", "steady-value");
    SecretsClient c = client(DIRECT, "secrets.cache.refresh-after", "5m", "secrets.cache.max-stale", "1h");
    c.get("db");

    clock.step(Duration.ofHours(3)); // NTP jumps forward: no refresh, no expiry
    c.get("db");
    assertThat(provider.fetches).hasValue(1);

    clock.step(Duration.ofHours(-6)); // and back: the refresh still comes on time
    clock.advance(Duration.ofMinutes(6));
    c.get("db");
    assertThat(provider.fetches).hasValue(2);
  }

  @Test
  void value_callerWipesItsCopy_othersStillRead() {
    provider.set("db", "shared-value");
    SecretsClient c = client(DIRECT);
    SecretValue mine = c.value("db");

    mine.wipe();

    assertThat(mine.isWiped()).isTrue();
    assertThat(c.value("db").asString()).isEqualTo("shared-value");
    assertThat(c.value("db").asBytes()).isNotEmpty();
    assertThat(c.values(Set.of("db")).get("db").asString()).isEqualTo("shared-value");
    assertThat(provider.fetches).hasValue(1);
  }

  /** Waits (bounded) until the thread exists and is parked or blocked. */
  private static void awaitParked(java.util.function.Supplier<Thread> thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Thread t = thread.get();
      if (t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING
          || t.getState() == Thread.State.BLOCKED)) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("thread did not park");
  }
}
