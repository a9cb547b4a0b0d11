package io.secretsbroker.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.secretsbroker.ClientClosedException;
import io.secretsbroker.Redactor;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.Ticker;
import io.secretsbroker.internal.observe.CacheEvents;
import io.secretsbroker.spi.SecretRecord;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache of one client: caller's name to {@link Entry}.
 *
 * <p>Design note.
 * <ul>
 *   <li><b>Storage</b>: a size-bounded synchronous Caffeine {@link Cache} of completed
 *       {@link Entry entries} (size bound only, so Caffeine stays on its fast read path; a hit is
 *       one {@code getIfPresent} and no future). No provider I/O runs under a map lock.
 *   <li><b>Single flight</b>: a cold read {@linkplain #claim claims} the key by inserting a
 *       {@link Loading} placeholder with {@code putIfAbsent} and loads on its own thread; every
 *       concurrent reader of that key, {@code get} or batch, joins the placeholder's future: N
 *       callers, one call. Completing the future first swaps the result in for the placeholder
 *       (compare-and-set); a failed load removes it. The futures never complete exceptionally: a
 *       failure is an {@link Entry} holding it.
 *   <li><b>Time</b>: each entry carries its refresh time (refresh-after jittered ±10%, and no later
 *       than two thirds of the way to a lease or expiry date) and its expiry (max-stale, or the
 *       value's own expiry if sooner; negative-ttl for not-found), on the monotonic {@link Ticker};
 *       the wall {@link Clock} only converts a store's expiry date. Expired entries are dropped by
 *       the read that finds them and by a sweep (at most once a second), which zeroes them.
 *   <li><b>Refresh ahead</b>: the first hit past the refresh time hands one reload to the executor
 *       (a per-entry flag keeps it to one). Every install after a load is a compare-and-set
 *       ({@code replace(key, old, new)} on the entry itself, by identity): a concurrent rotate,
 *       refresh or wipe always wins, and the
 *       losing result is zeroed. A reader never waits.
 *   <li><b>Stale on error</b>: a failed refresh keeps the entry, marked stale, backing off before the
 *       next try; it still expires on time.
 *   <li><b>Negative cache</b>: not-found is an entry that expires after negative-ttl.
 *   <li><b>Hot path</b>: {@link #hit} is a Caffeine read, a ticker read, a counter bump and a few
 *       field reads; it allocates nothing and takes no lock.
 *   <li><b>Closing</b>: {@link #close} zeroes everything; a load that completes afterwards is
 *       zeroed too and its callers get {@link ClientClosedException}.
 *   <li><b>Redaction and wiping</b>: each value is registered with the {@link Redactor} when its
 *       entry is built and released when the entry leaves; evicted or expired values are zeroed,
 *       replaced ones are not (a caller may still hold a view).
 * </ul>
 * Thread-safe.
 */
public final class SecretCache {
  private static final Logger log = LoggerFactory.getLogger("io.secretsbroker.SecretsClient");

  /** Reloads one name in the background (resolving it again); throws on failure. */
  @FunctionalInterface
  public interface Reloader {
    Entry reload(String name);
  }

  /**
   * Reloads several names in one provider batch. The result holds an entry (a value, or a
   * remembered not-found) for every name it could read; a name it leaves out keeps its old entry.
   * Throws when the whole batch failed.
   */
  @FunctionalInterface
  public interface BatchReloader {
    java.util.Map<String, Entry> reloadAll(java.util.List<String> names);
  }

  /** Told when a reload that is now cached carries a new version. */
  @FunctionalInterface
  public interface VersionListener {
    void changed(String name, String previousVersion, Entry fresh, String caller);
  }

  /**
   * Single flight: the future a cold reader of a name waits on.
   *
   * @param owned whether this caller inserted it and must complete it (exactly one caller does)
   * @param expiredVersion the version of an expired entry the claim replaced, to announce a change
   */
  public record Claim(CompletableFuture<Entry> future, boolean owned, String expiredVersion) {}

  private final CacheSettings settings;
  private final Ticker ticker;
  private final Clock clock;
  private final Executor executor;
  private final CacheEvents events;
  private final String providerId;
  private final Cache<String, Entry> cache;
  private final Refresher refresher;
  private final Entries entries;
  private VersionListener versions;
  private volatile long nextSweep;
  private volatile boolean closed;

  public SecretCache(CacheSettings settings, Ticker ticker, Clock clock, Executor executor, CacheEvents events,
      String providerId) {
    this.settings = settings;
    this.ticker = ticker;
    this.clock = clock;
    this.executor = executor;
    this.events = events;
    this.providerId = providerId;
    this.cache = Caffeine.newBuilder()
        .maximumSize(settings.maxSize())
        .executor(this::maintain)
        .removalListener(this::onRemoval)
        .build();
    this.refresher = new Refresher(this, settings, ticker, executor, events, providerId);
    this.entries = new Entries(settings, ticker, clock);
  }

  /** Wires the client's reload and announcement steps (once, before the first read). */
  public void bind(Reloader reloader, VersionListener versions) {
    refresher.reloader = reloader;
    this.versions = versions;
  }

  /**
   * Wires the batch reload used when {@code secrets.cache.refresh-batch} is on (the default): a
   * due refresh then takes along every entry due within the jitter span.
   */
  public void bindBatch(BatchReloader batch) {
    refresher.batchReloader = batch;
  }

  public long now() {
    return ticker.read();
  }

  /**
   * Caffeine's maintenance: on the client's executor, or on the calling thread once that executor
   * refuses work (it is shut down at close while a load may still complete).
   */
  private void maintain(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException refused) {
      task.run();
    }
  }

  // ---------------------------------------------------------------- hits

  /** The usable cached entry for {@code name}, counted as a hit, or null (cold, expired, in flight). */
  public Entry hit(String name) {
    Entry e = cache.getIfPresent(name);
    long t;
    // a load in flight and a failed load have expiresAt NEVER; a remembered not-found has a failure
    if (e != null && (t = ticker.read()) < e.expiresAt && e.failure == null) {
      events.hit(name, e.versionId());
      if (e.stale) {
        boolean first = !e.staleReported;
        e.staleReported = true;
        events.staleServed(name, e.versionId(), first);
      }
      if (t >= e.refreshAt && e.refreshing.compareAndSet(false, true)) {
        refresher.start(name, e, t);
      }
      return e;
    }
    return null;
  }

  // ---------------------------------------------------------------- cold reads

  /**
   * One cold read: joins the name's load in flight, or claims the name and runs {@code load} on
   * this thread. Returns the entry (announcing a new version over an expired one) or throws what
   * it holds.
   */
  public Entry load(String name, Supplier<Entry> load, String caller) {
    Claim claim = claim(name); // before the sweep, so an expired entry's version is seen and compared
    sweepExpired(false);
    CompletableFuture<Entry> f = claim.future();
    if (claim.owned()) {
      try {
        f.complete(load.get());
      } catch (RuntimeException ex) {
        fail(name, f, ex);
      }
    }
    Entry e = check(afterLoad(name, f, f.join()));
    if (claim.owned()) {
      changed(name, claim.expiredVersion(), e, caller);
    }
    return e;
  }

  /**
   * The cached or in-flight future for {@code name}, or a new incomplete one this caller owns. An
   * entry past its expiry is removed first (compare-and-remove, so a concurrent writer wins).
   */
  public Claim claim(String name) {
    String expiredVersion = null;
    for (;;) {
      Entry done = cache.getIfPresent(name);
      if (done instanceof Loading inFlight) {
        return new Claim(inFlight.future, false, null);
      }
      if (done != null && ticker.read() >= done.expiresAt) {
        if (cache.asMap().remove(name, done) && done.value != null) {
          expiredVersion = done.versionId();
        }
        continue;
      }
      if (done != null) {
        return new Claim(CompletableFuture.completedFuture(done), false, null);
      }
      Loading mine = new Loading(this, name);
      if (cache.asMap().putIfAbsent(name, mine) == null) {
        return new Claim(mine.future, true, expiredVersion);
      }
    }
  }

  /**
   * A claimed load completed (called by its future before it wakes the joiners): the result takes
   * the placeholder's place, only if the placeholder is still there (a refresh, rotate or wipe that
   * happened meanwhile wins); a failed load just removes the placeholder.
   */
  void settle(String name, Loading placeholder, Entry result) {
    if (result.failedLoad()) {
      cache.asMap().remove(name, placeholder);
    } else {
      cache.asMap().replace(name, placeholder, result);
    }
  }

  /**
   * A claimed load failed: completes the future normally with the failure (so Caffeine does not
   * log it and joiners see the same error) and drops it at once.
   */
  public void fail(String name, CompletableFuture<Entry> mine, RuntimeException ex) {
    mine.complete(Entry.failed(ex)); // its placeholder is removed as it completes (settle)
  }

  /**
   * A load finished: if the cache was closed meanwhile, the result is dropped and zeroed (nobody
   * else would wipe it) and the caller gets {@link ClientClosedException}.
   */
  public Entry afterLoad(String name, CompletableFuture<Entry> f, Entry e) {
    if (closed) {
      cache.asMap().computeIfPresent(name,
          (k, cur) -> cur == e || cur instanceof Loading l && l.future == f ? null : cur);
      e.discard();
      throw closedError();
    }
    return e;
  }

  /** Announces a new version when {@code previousVersion} is known and differs. */
  public void changed(String name, String previousVersion, Entry fresh, String caller) {
    if (previousVersion != null && fresh.value != null && !previousVersion.equals(fresh.versionId())) {
      versions.changed(name, previousVersion, fresh, caller);
    }
  }

  /** Throws what a failed entry holds: a fresh not-found per caller, or the cold load's error. */
  public static Entry check(Entry e) {
    RuntimeException failure = e.failure;
    if (failure == null) {
      return e;
    }
    if (failure instanceof SecretNotFoundException) {
      throw new SecretNotFoundException(failure.getMessage(), failure);
    }
    throw failure;
  }

  // ---------------------------------------------------------------- installs

  /**
   * Installs {@code fresh} only if the entry cached for {@code name} is still {@code expected}
   * (null: nothing cached). On a lost race {@code fresh} is zeroed and false returned.
   */
  public boolean replace(String name, Entry expected, Entry fresh) {
    boolean installed = expected == null
        ? cache.asMap().putIfAbsent(name, fresh) == null
        : cache.asMap().replace(name, expected, fresh);
    if (!installed) {
      fresh.discard();
      return false;
    }
    afterLoad(name, null, fresh);
    return true;
  }

  /** Installs {@code e} unconditionally (a write this client made: rotation). */
  public void install(String name, Entry e) {
    cache.put(name, e);
  }

  /** The live map view, for the refresher's scans and compare-and-set installs. */
  java.util.concurrent.ConcurrentMap<String, Entry> map() {
    return cache.asMap();
  }

  /** Drops {@code name}. */
  public void invalidate(String name) {
    cache.invalidate(name);
  }

  /**
   * The entry cached for {@code name} (a load in flight is a placeholder without a value), or null:
   * the token for a later {@link #replace}.
   */
  public Entry current(String name) {
    return cache.getIfPresent(name);
  }

  // ---------------------------------------------------------------- entries

  /** An entry for a loaded value (registered with the redactor). The record's array is taken over. */
  public Entry entryFor(String name, String field, SecretRecord record) {
    return entries.loaded(name, field, record, Entries.jitterDraw());
  }

  /** A refresh-jitter draw for {@link #entryFor(String, String, SecretRecord, double)}: one per batch read. */
  public static double jitterDraw() {
    return Entries.jitterDraw();
  }

  /** {@link #entryFor(String, String, SecretRecord)} with the refresh jitter given: see {@link Entries#loaded}. */
  public Entry entryFor(String name, String field, SecretRecord record, double draw) {
    return entries.loaded(name, field, record, draw);
  }

  /** A remembered not-found, kept for negative-ttl. */
  public Entry notFound(SecretNotFoundException nf) {
    return entries.notFound(nf);
  }

  // ---------------------------------------------------------------- removal

  /**
   * Drops entries past their expiry (zeroing them through {@link #onRemoval}), at most once a
   * second unless forced.
   */
  public void sweepExpired(boolean force) {
    long t = ticker.read();
    if (!force && t < nextSweep) {
      return;
    }
    nextSweep = t + 1_000_000_000L;
    cache.asMap().forEach((key, e) -> {
      if (!(e instanceof Loading) && t >= e.expiresAt) {
        cache.asMap().remove(key, e);
      }
    });
  }

  /** Stops masking a value that left; zeroes it (and drops its text) when evicted for size or expired. */
  private void onRemoval(String key, Entry e, RemovalCause cause) {
    if (e == null) {
      return;
    }
    e.release();
    if (e.value != null && (cause.wasEvicted() || ticker.read() >= e.expiresAt)) {
      e.discard();
    }
  }

  /** Drops expired entries and runs Caffeine's pending maintenance now (tests). */
  public void cleanUp() {
    sweepExpired(true);
    cache.cleanUp();
  }

  /** Zeroes every cached value, stops masking it and empties the cache, synchronously. */
  public void wipeAll() {
    for (Entry e : cache.asMap().values()) {
      e.discard();
    }
    cache.invalidateAll();
  }

  /** From now on every load that completes is zeroed; then wipes everything. */
  public void close() {
    closed = true;
    wipeAll();
  }

  /** Seconds since the cached value of {@code name} was loaded, or NaN. */
  public double ageSeconds(String name) {
    Entry e = cache.asMap().get(name);
    if (e == null || e.value == null) {
      return Double.NaN;
    }
    return (ticker.read() - e.loadedAt) / 1e9;
  }

  /** The error of every read after close. */
  public ClientClosedException closedError() {
    return closedError(providerId);
  }

  /** The error of every call after close, for the client on provider {@code providerId}. */
  public static ClientClosedException closedError(String providerId) {
    return new ClientClosedException("This SecretsClient (provider " + providerId + ") is closed. Build a new one,"
        + " or use Secrets.client().");
  }

  /** An exception for a log line: its type and message, redacted (a provider's text may echo a value). */
  public static String describe(Throwable ex) {
    return ex.getClass().getSimpleName() + ": " + safe(ex.getMessage());
  }

  /** Text for a log line, through the live-value redactor. */
  public static String safe(String text) {
    return Redactor.global().redact(text);
  }
}
