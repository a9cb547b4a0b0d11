package io.secretsbroker.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.secretsbroker.SecretsClient;
import io.secretsbroker.internal.Settings;
import io.secretsbroker.internal.cache.CacheWarmUp;
import io.secretsbroker.internal.observe.Audit;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * After its verdict the guard's start-up thread warms the cache's classes while the provider
 * opens; the verdict never waits for that step, and a failing step changes nothing.
 */
class GuardScanWarmUpTest {
  private static final Map<String, String> WARN = Map.of("secrets.guard", "warn");
  private final Audit audit = new Audit("test", Clock.systemUTC(), List.of(), 100);

  private static SecretsClient.Builder isolated() {
    return SecretsClient.builder().ambientConfiguration(false);
  }

  @Test
  void start_runsTheWarmUpOnTheScanThread_andTheVerdictDoesNotWaitForIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch ran = new CountDownLatch(1);
    AtomicReference<String> thread = new AtomicReference<>();
    ClientFactory.GuardScan scan = ClientFactory.GuardScan.start(isolated(), Settings.of(WARN), () -> {
      thread.set(Thread.currentThread().getName());
      ran.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue(); // the warm-up started, so the scan is done
    assertThatCode(() -> scan.enforce(audit)).doesNotThrowAnyException(); // while the warm-up still blocks
    release.countDown();
    assertThat(thread.get()).isEqualTo("secrets-broker-guard");
  }

  @Test
  void start_warmUpThrows_verdictUnchanged() {
    ClientFactory.GuardScan scan = ClientFactory.GuardScan.start(isolated(), Settings.of(WARN), () -> {
      throw new IllegalStateException("warm-up failed");
    });
    assertThatCode(() -> scan.enforce(audit)).doesNotThrowAnyException();
  }

  @Test
  void cacheWarmUp_runsAndHoldsNothing() {
    assertThatCode(CacheWarmUp::run).doesNotThrowAnyException();
    assertThatCode(CacheWarmUp::run).doesNotThrowAnyException();
  }
}
