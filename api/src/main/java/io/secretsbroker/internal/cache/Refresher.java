package io.secretsbroker.internal.cache;

import io.secretsbroker.Ticker;
import io.secretsbroker.internal.observe.CacheEvents;
import io.secretsbroker.internal.resilience.Resilience;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refresh ahead for one {@link SecretCache}: the first hit past an entry's refresh time hands one
 * reload to the executor (the entry's {@code refreshing} flag keeps it to one), alone or, with
 * batch refresh, together with every cached value due within the jitter span. Every install is a
 * compare-and-set on the entry the reload started from, so a concurrent rotate, refresh or wipe
 * wins and the losing result is zeroed. A failed reload keeps the old entry, marked stale, and
 * backs off; one whose provider call spanned a freeze is retried at once first. Never throws to
 * a reader. Thread-safe (the reloaders are bound once, before the first read).
 */
final class Refresher {
  private static final Logger log = LoggerFactory.getLogger("io.secretsbroker.SecretsClient");

  private final SecretCache owner;
  private final CacheSettings settings;
  private final Ticker ticker;
  private final Executor executor;
  private final CacheEvents events;
  private final String providerId;
  SecretCache.Reloader reloader;
  SecretCache.BatchReloader batchReloader;

  Refresher(SecretCache owner, CacheSettings settings, Ticker ticker, Executor executor, CacheEvents events,
      String providerId) {
    this.owner = owner;
    this.settings = settings;
    this.ticker = ticker;
    this.executor = executor;
    this.events = events;
    this.providerId = providerId;
  }

  /** One entry a batch refresh reloads: its name and the entry it replaces (the compare-and-set token). */
  private record Due(String name, Entry entry) {}

  /** Most names one batch refresh takes along (the driver chunks them to its store's own limit). */
  private static final int MAX_BATCH = 100;

  /**
   * Starts the reload of a due entry: alone, or, with batch refresh, together with every cached
   * value due within the jitter span (each claimed through its own refreshing flag), so entries
   * loaded together keep refreshing together: one store call per batch instead of one per secret.
   */
  void start(String name, Entry e, long t) {
    if (!settings.refreshBatch() || batchReloader == null) {
      startRefresh(name, e);
      return;
    }
    java.util.List<Due> due = new java.util.ArrayList<>();
    due.add(new Due(name, e));
    long horizon = t + settings.jitterSpanNanos();
    for (java.util.Map.Entry<String, Entry> c : owner.map().entrySet()) {
      if (due.size() >= MAX_BATCH) {
        break;
      }
      Entry other = c.getValue();
      if (other != null && other != e && other.value != null && other.failure == null && other.refreshAt <= horizon
          && t < other.expiresAt && other.refreshing.compareAndSet(false, true)) {
        due.add(new Due(c.getKey(), other));
      }
    }
    if (due.size() == 1) {
      startRefresh(name, e);
      return;
    }
    try {
      executor.execute(() -> backgroundRefresh(due));
    } catch (RuntimeException rejected) {
      due.forEach(d -> d.entry().refreshing.set(false));
      log.warn("Could not start a background refresh of {} secrets ({}); serving the cached versions", due.size(),
          rejected.getClass().getSimpleName());
    }
  }

  /**
   * A batch refresh: never throws. Each fresh entry is installed by compare-and-set; the batch
   * reader gave them one jittered refresh time (so the batch stays one); a failed batch marks every
   * old entry stale and backs off, as a failed single refresh does.
   */
  private void backgroundRefresh(java.util.List<Due> due) {
    java.util.Map<String, Entry> fresh;
    java.util.List<String> names = due.stream().map(Due::name).toList();
    try {
      try {
        fresh = batchReloader.reloadAll(names);
      } catch (RuntimeException ex) {
        fresh = afterFreeze(names, ex, () -> batchReloader.reloadAll(names));
      }
    } catch (RuntimeException ex) {
      long retryAt = ticker.read() + settings.retryBackoffNanos();
      for (Due d : due) {
        d.entry().stale = true;
        d.entry().refreshAt = retryAt;
        d.entry().refreshing.set(false);
      }
      log.warn("Refresh of secrets {} from {} failed ({}); serving the cached versions until"
          + " secrets.cache.max-stale runs out", due.stream().map(d -> "'" + SecretCache.safe(d.name()) + "'").toList(),
          providerId, SecretCache.describe(ex));
      return;
    }
    for (Due d : due) {
      Entry fe = fresh.get(d.name());
      if (fe == null) {
        d.entry().refreshAt = ticker.read() + settings.retryBackoffNanos();
        d.entry().refreshing.set(false);
        continue;
      }
      if (owner.map().replace(d.name(), d.entry(), fe)) {
        owner.changed(d.name(), d.entry().versionId(), fe, null);
      } else {
        fe.discard(); // rotated, refreshed, invalidated or closed meanwhile: that outcome stands
      }
    }
    owner.sweepExpired(false);
  }

  /** Hands one reload to the executor; a reader never fails because of it. */
  private void startRefresh(String name, Entry e) {
    try {
      executor.execute(() -> backgroundRefresh(name, e));
    } catch (RuntimeException rejected) {
      e.refreshing.set(false);
      log.warn("Could not start a background refresh of secret '{}' ({}); serving the cached version", SecretCache.safe(name),
          rejected.getClass().getSimpleName());
    }
  }

  /** Never throws: installs by compare-and-set, or marks the old entry stale and backs off. */
  private void backgroundRefresh(String name, Entry old) {
    Entry fresh;
    try {
      try {
        fresh = reloader.reload(name);
      } catch (RuntimeException ex) {
        fresh = afterFreeze(java.util.List.of(name), ex, () -> reloader.reload(name));
      }
    } catch (RuntimeException ex) {
      old.stale = true;
      old.refreshAt = ticker.read() + settings.retryBackoffNanos();
      old.refreshing.set(false);
      log.warn("Refresh of secret '{}' from {} failed ({}); serving the cached version {} until"
          + " secrets.cache.max-stale runs out", SecretCache.safe(name), providerId, SecretCache.describe(ex), old.versionId());
      return;
    }
    if (owner.map().replace(name, old, fresh)) {
      owner.changed(name, old.versionId(), fresh, null);
    } else {
      fresh.discard(); // rotated, refreshed, invalidated or closed meanwhile: that outcome stands
    }
    owner.sweepExpired(false);
  }

  /**
   * A failed refresh whose last provider call spanned a freeze (the JVM was frozen mid-call, see
   * {@link Resilience#spannedFreeze}) is not an outage: counted and audited as a freeze retry, it
   * is retried once at once, and only a failure of that retry marks the entry stale. Any other
   * failure is rethrown as it is.
   */
  private <T> T afterFreeze(java.util.List<String> names, RuntimeException ex, Supplier<T> retry) {
    if (!Resilience.spannedFreeze(ex)) {
      throw ex;
    }
    events.freezeRetry(names, ex);
    log.info("Refresh of {} secret(s) from {} failed after the JVM was frozen mid-call; retrying at once",
        names.size(), providerId);
    return retry.get();
  }
}
