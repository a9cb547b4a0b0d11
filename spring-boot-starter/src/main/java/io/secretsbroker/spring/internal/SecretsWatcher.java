package io.secretsbroker.spring.internal;

import io.secretsbroker.SecretsException;
import io.secretsbroker.spi.Configuration;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Reads the secrets behind {@code ${secrets.*}} placeholders every {@code secrets.watch.interval}
 * (default one minute; {@code off} disables it). A read of a cached secret does no I/O; once the
 * value is older than {@code secrets.cache.refresh-after} the read starts the client's background
 * refresh, and a new version is then announced ({@code SecretRotatedEvent}, rebinding). So a
 * rotation reaches the beans within refresh-after plus one interval, at one provider call per
 * secret per refresh-after, and nothing restarts.
 *
 * <p>One daemon thread, stopped with the context. A failed read is logged (type only) and retried
 * at the next tick. Thread-safe.
 */
public final class SecretsWatcher implements SmartInitializingSingleton, DisposableBean {
  private static final Logger LOG = LoggerFactory.getLogger(SecretsWatcher.class);

  private final SecretsRuntime runtime;
  private final Duration interval;
  private ScheduledExecutorService scheduler;

  public SecretsWatcher(SecretsRuntime runtime, String interval) {
    this.runtime = runtime;
    this.interval = interval == null || interval.isBlank() ? Duration.ofMinutes(1)
        : interval.strip().equalsIgnoreCase("off") ? null : Configuration.parseDuration(SpringSettings.WATCH_INTERVAL, interval);
  }

  /** The interval, or null when watching is off. */
  public Duration interval() {
    return interval;
  }

  @Override
  public synchronized void afterSingletonsInstantiated() {
    if (interval == null || scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "secrets-broker-watch");
      t.setDaemon(true);
      return t;
    });
    long ms = interval.toMillis();
    scheduler.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** One pass over the tracked names (the scheduler's task; tests call it directly). */
  public void tick() {
    for (String name : runtime.trackedNames()) {
      try {
        runtime.client().get(name);
      } catch (SecretsException e) {
        LOG.debug("Watching secret '{}': {}", name, e.getClass().getSimpleName());
      } catch (RuntimeException e) {
        LOG.warn("Watching secret '{}' failed: {}", name, e.getClass().getName());
      }
    }
  }

  @Override
  public synchronized void destroy() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }
}
