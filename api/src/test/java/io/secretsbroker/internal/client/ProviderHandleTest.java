package io.secretsbroker.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ClientClosedException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The portable closed-state check: after close, no call reaches the driver; close runs once. */
class ProviderHandleTest {

  /** Counts every call; answers every read with one record. */
  private static final class CountingDriver implements SecretProvider {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger checkpoints = new AtomicInteger();

    private SecretRecord record(String name) {
      calls.incrementAndGet();
      return new SecretRecord(name, "1", "pw".getBytes(StandardCharsets.UTF_8), Instant.EPOCH); // secrets-guard:allow test fixture
    }

    @Override
    public String id() {
      return "counting";
    }

    @Override
    public SecretRecord fetch(String name) {
      return record(name);
    }

    @Override
    public SecretRecord fetchVersion(String name, String versionId) {
      return record(name);
    }

    @Override
    public Map<String, SecretRecord> fetchAll(Set<String> names) {
      calls.incrementAndGet();
      return Map.of();
    }

    @Override
    public SecretRecord put(String name, byte[] value) {
      return record(name);
    }

    @Override
    public boolean supportsStaging() {
      return true;
    }

    @Override
    public SecretRecord fetchStage(String name, VersionStage stage) {
      return record(name);
    }

    @Override
    public SecretRecord stage(String name, String expectedCurrentVersionId, byte[] value) {
      return record(name);
    }

    @Override
    public SecretRecord promote(String name, String pendingVersionId, String expectedCurrentVersionId) {
      return record(name);
    }

    @Override
    public void discardPending(String name, String pendingVersionId) {
      calls.incrementAndGet();
    }

    @Override
    public void beforeCheckpoint() {
      checkpoints.incrementAndGet();
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  private static List<Consumer<SecretProvider>> everyCall() {
    List<Consumer<SecretProvider>> calls = new ArrayList<>();
    calls.add(p -> p.fetch("db"));
    calls.add(p -> p.fetchVersion("db", "1"));
    calls.add(p -> p.fetchAll(Set.of("db")));
    calls.add(p -> p.put("db", new byte[] {1}));
    calls.add(p -> p.fetchStage("db", VersionStage.PENDING));
    calls.add(p -> p.stage("db", "1", new byte[] {1}));
    calls.add(p -> p.promote("db", "2", "1"));
    calls.add(p -> p.discardPending("db", "2"));
    return calls;
  }

  @Test
  void open_forwardsEveryCall() {
    CountingDriver driver = new CountingDriver();
    ProviderHandle handle = new ProviderHandle(driver);

    everyCall().forEach(c -> c.accept(handle));
    handle.beforeCheckpoint();

    assertThat(driver.calls).hasValue(everyCall().size());
    assertThat(driver.checkpoints).hasValue(1);
    assertThat(handle.supportsStaging()).isTrue();
    assertThat(handle.id()).isEqualTo("counting");
  }

  @Test
  void afterClose_everyCallFailsWithClientClosed_andNoneReachesTheDriver() {
    CountingDriver driver = new CountingDriver();
    ProviderHandle handle = new ProviderHandle(driver);
    handle.close();

    for (Consumer<SecretProvider> call : everyCall()) {
      assertThatThrownBy(() -> call.accept(handle)).isInstanceOf(ClientClosedException.class)
          .hasMessageContaining("counting").hasMessageContaining("Build a new one");
    }
    handle.beforeCheckpoint();
    assertThat(driver.calls).hasValue(0);
    assertThat(driver.checkpoints).hasValue(0);
    assertThat(handle.closed()).isTrue();
  }

  @Test
  void close_concurrentAndRepeated_closesTheDriverOnce() throws Exception {
    CountingDriver driver = new CountingDriver();
    ProviderHandle handle = new ProviderHandle(driver);
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    CountDownLatch done = new CountDownLatch(threads);
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        try {
          start.await();
          handle.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        } finally {
          done.countDown();
        }
      });
      t.start();
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    handle.close();

    assertThat(driver.closes).hasValue(1);
  }

  @Test
  void client_afterClose_makesNoDriverCall() {
    CountingDriver driver = new CountingDriver();
    SecretsClient client = SecretsClient.builder().provider(driver).ambientConfiguration(false).build();
    client.get("db");
    int before = driver.calls.get();
    client.close();
    client.close();

    assertThatThrownBy(() -> client.get("db")).isInstanceOf(ClientClosedException.class);
    assertThatThrownBy(() -> client.values(List.of("db", "other"))).isInstanceOf(ClientClosedException.class);
    assertThatThrownBy(() -> client.refresh("db")).isInstanceOf(ClientClosedException.class);
    assertThat(driver.calls).hasValue(before);
    assertThat(driver.closes).hasValue(1);
  }

  @Test
  void nullDriver_isNamed() {
    assertThatThrownBy(() -> new ProviderHandle(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("driver");
  }
}
