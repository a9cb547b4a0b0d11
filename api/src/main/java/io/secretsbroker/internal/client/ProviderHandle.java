package io.secretsbroker.internal.client;

import io.secretsbroker.VersionStage;
import io.secretsbroker.internal.cache.SecretCache;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client's handle on its driver: the closed state every driver used to repeat, owned once by
 * the portable layer. Every SPI call made after {@link #close()} (a background refresh, a batch
 * or a rotation step that was already under way, a read racing the close) fails with
 * {@link io.secretsbroker.ClientClosedException} before it reaches the driver; {@link #close()} closes the driver
 * exactly once however many threads call it. Snapshot hooks after close are skipped (there is
 * nothing left to drop or re-arm).
 *
 * <p>The client computes batch parallelism from the driver itself, not from this handle (which
 * always forwards {@code fetchAll}). Thread-safe: one atomic flag; the driver's own thread-safety
 * applies to the forwarded calls.
 */
final class ProviderHandle implements SecretProvider {
  private final SecretProvider driver;
  private final AtomicBoolean closed = new AtomicBoolean();

  ProviderHandle(SecretProvider driver) {
    this.driver = Objects.requireNonNull(driver, "driver");
  }

  private SecretProvider open() {
    if (closed.get()) {
      throw SecretCache.closedError(driver.id());
    }
    return driver;
  }

  /** Whether {@link #close()} ran. */
  boolean closed() {
    return closed.get();
  }

  @Override
  public String id() {
    return driver.id();
  }

  @Override
  public SecretRecord fetch(String name) {
    return open().fetch(name);
  }

  @Override
  public SecretRecord fetchVersion(String name, String versionId) {
    return open().fetchVersion(name, versionId);
  }

  @Override
  public Map<String, SecretRecord> fetchAll(Set<String> names) {
    return open().fetchAll(names);
  }

  @Override
  public SecretRecord put(String name, byte[] value) {
    return open().put(name, value);
  }

  @Override
  public boolean supportsStaging() {
    return driver.supportsStaging(); // a capability, not a call to the store
  }

  @Override
  public SecretRecord fetchStage(String name, VersionStage stage) {
    return open().fetchStage(name, stage);
  }

  @Override
  public SecretRecord stage(String name, String expectedCurrentVersionId, byte[] value) {
    return open().stage(name, expectedCurrentVersionId, value);
  }

  @Override
  public SecretRecord promote(String name, String pendingVersionId, String expectedCurrentVersionId) {
    return open().promote(name, pendingVersionId, expectedCurrentVersionId);
  }

  @Override
  public void discardPending(String name, String pendingVersionId) {
    open().discardPending(name, pendingVersionId);
  }

  @Override
  public void beforeCheckpoint() {
    if (!closed.get()) {
      driver.beforeCheckpoint();
    }
  }

  @Override
  public void afterRestore() {
    if (!closed.get()) {
      driver.afterRestore();
    }
  }

  /** Closes the driver once; later calls return at once. The driver's own failure propagates. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      driver.close();
    }
  }

  @Override
  public String toString() {
    return driver.toString();
  }
}
