package io.secretsbroker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.secretsbroker.SecretsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * Virtual threads (Java 21+; the build compiles for 17, so the executor is looked up
 * reflectively, and this class is skipped on 17): many virtual threads that read a cold key while
 * its provider call blocks must all park without pinning their carriers (with one carrier per
 * core, a pinned waiter would stop the others from running), make one provider call between them,
 * and all get the value. `.ci/run` runs this class on Java 25.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadReadsTest {
  private static final int READERS = 10_000;

  @Test
  void manyVirtualThreads_coldKeyWhoseLoadBlocks_oneCallNoPinning() throws Exception {
    FakeProvider provider = new FakeProvider();
    provider.set("db", "value-one-1");
    provider.gate = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    ExecutorService refresher = Executors.newSingleThreadExecutor();
    ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
        .invoke(null);
    try (SecretsClient client = TestClients.builder(provider, new MutableClock(), refresher).build()) {
      List<Future<String>> reads = new ArrayList<>(READERS);
      for (int i = 0; i < READERS; i++) {
        reads.add(virtual.submit(() -> {
          started.incrementAndGet();
          return client.get("db");
        }));
      }
      assertThat(provider.entered.await(30, TimeUnit.SECONDS)).as("the first reader reached the provider").isTrue();
      // every reader runs while the load is blocked: readers that pinned their carriers (one per
      // core) while waiting for the load would keep the rest from ever starting
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (started.get() < READERS && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(started.get()).as("virtual threads that ran while the load was blocked").isEqualTo(READERS);
      provider.gate.countDown();
      for (Future<String> r : reads) {
        assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo("value-one-1");
      }
      assertThat(provider.fetches.get()).as("provider calls for the cold key").isEqualTo(1);
    } finally {
      provider.gate.countDown();
      virtual.shutdownNow();
      refresher.shutdownNow();
    }
  }
}
