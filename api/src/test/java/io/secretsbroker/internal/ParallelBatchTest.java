package io.secretsbroker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Batch parallelism lives in the portable layer: a driver without a batch call gets its single
 * reads fanned out, at most eight at once, on the client's executor and the caller's thread.
 */
class ParallelBatchTest {
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private final CountDownLatch gate = new CountDownLatch(1);
  private final Semaphore parked = new Semaphore(0);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  /** A store with one read per call and no batch call (fetchAll is the SPI's default). */
  private final SecretProvider singleReads = new SecretProvider() {
    @Override
    public String id() {
      return "single-reads";
    }

    @Override
    public SecretRecord fetch(String name) {
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      parked.release();
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inFlight.decrementAndGet();
      }
      if (name.startsWith("missing")) {
        throw new SecretNotFoundException("no " + name);
      }
      return new SecretRecord(name, "1", ("value-of-" + name).getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
    }

    @Override
    public void close() {}
  };

  @AfterEach
  void stop() {
    gate.countDown();
    executor.shutdownNow();
  }

  @Test
  void values_driverWithoutBatch_fetchesAtMostEightAtOnceInParallel() throws Exception {
    SecretsClient c = SecretsClient.builder().provider(singleReads).ambientConfiguration(false).executor(executor)
        .build();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      names.add("s" + i);
    }

    CompletableFuture<Map<String, SecretValue>> all = CompletableFuture.supplyAsync(() -> c.values(names));
    assertThat(parked.tryAcquire(8, 10, TimeUnit.SECONDS)).as("eight reads in flight at once").isTrue();
    boolean ninth = parked.tryAcquire(1, 200, TimeUnit.MILLISECONDS);
    gate.countDown();
    Map<String, SecretValue> result = all.get(10, TimeUnit.SECONDS);

    assertThat(ninth).as("a ninth read while eight were in flight").isFalse();
    assertThat(maxInFlight).hasValue(8);
    assertThat(result).hasSize(20);
    assertThat(result.get("s7").asString()).isEqualTo("value-of-s7");
    c.close();
  }

  @Test
  void values_onDirectExecutor_stillCompletes() {
    gate.countDown();
    SecretsClient c = SecretsClient.builder().provider(singleReads).ambientConfiguration(false)
        .executor(Runnable::run).build();

    assertThat(c.values(List.of("a", "b", "c"))).containsOnlyKeys("a", "b", "c");
    c.close();
  }
}
