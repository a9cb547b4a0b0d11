package io.secretsbroker.internal;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.secretsbroker.CacheStats;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.Redactor;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.Rotation;
import io.secretsbroker.SecretNotAllowedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.SecretsException;
import io.secretsbroker.Subscription;
import io.secretsbroker.VersionStage;
import io.secretsbroker.internal.rotate.Rotator;
import io.secretsbroker.internal.rotate.StageCache;
import io.secretsbroker.spi.AuditEvent.Outcome;
import io.secretsbroker.spi.AuditEvent.Type;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.crac.Core;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SecretsClient} behind every public entry point.
 *
 * <p>Design note.
 * <ul>
 *   <li><b>Storage</b>: a size-bounded Caffeine {@link AsyncCache} from the caller's name to an
 *       {@link Entry}. Futures, not values, live in the map, so no provider I/O ever runs under a
 *       map lock (the official AWS caching client loads under one and pins virtual threads). The
 *       futures never complete exceptionally: a failure is an {@link Entry} holding it. (It is not
 *       an {@code AsyncLoadingCache}: this class loads cold keys on the caller's thread and refreshes
 *       on its own executor, so a loader would never be called.)
 *   <li><b>Single flight</b>: a cold read inserts an incomplete future with {@code putIfAbsent}
 *       and loads on the caller's own thread; every concurrent reader of that key joins the same
 *       future, so N callers cause one provider call.
 *   <li><b>Time is the entry's, not Caffeine's</b>: each entry carries its refresh time
 *       (refresh-after, jittered ±10% so a fleet does not refresh in step, and no later than two
 *       thirds of the way to a lease or expiry date) and its absolute expiry ({@code loadedAt +
 *       max-stale}, or the value's own expiry if sooner; negative-ttl for not-found). A hit compares
 *       one clock read with both. Caffeine's variable expiry would do the same bookkeeping at about
 *       100 ns a read (docs/benchmarks.md), so the cache has only a size bound and expired entries
 *       are dropped by the read that finds them and by a sweep (at most once a second, on a miss or
 *       a refresh), which also zeroes them.
 *   <li><b>Refresh ahead</b>: the first read past the refresh time returns the cached value at
 *       once and hands one reload to the executor (a per-entry flag keeps it to one). The reload
 *       replaces the entry only if it is still the one it refreshed ({@code replace(key, old,
 *       new)}), so a concurrent rotate, refresh or wipe always wins. A reader never waits.
 *   <li><b>Stale on error</b>: a failed refresh keeps the entry (marking it stale and backing off
 *       before the next try); the entry still expires on time, and the next read surfaces the
 *       provider's error.
 *   <li><b>Negative cache</b>: not-found is stored as an entry that expires after negative-ttl.
 *   <li><b>Hot path</b>: a hit is a Caffeine read (one map lookup while the size bound is far),
 *       a clock read, a counter bump and a few field reads; it allocates nothing and takes no lock.
 *       The allowlist is checked on the miss path only (a name in the cache has passed it).
 *   <li><b>Rotation</b>: a reload that returns a new version id, once it is in the cache,
 *       announces it to listeners on the executor (so a listener that reads the name sees the new
 *       value). {@code rotate} is {@link Rotator}'s stage, apply, verify, promote (compare-and-set);
 *       PREVIOUS/PENDING reads are cached in a {@link StageCache}; announcements for a name are held back while it rotates, so listeners see the outcome
 *       once.
 *   <li><b>Audit</b>: every cold-path step (miss, load, refresh, rotation, refusal, provider
 *       failure, first stale serve) becomes an {@link io.secretsbroker.spi.AuditEvent} through
 *       {@link Audit}; the caller class is looked up on the cold path only. A hit builds an event
 *       only when a sink asked for hits when the client was built; metrics read the hit counter.
 *   <li><b>Redaction and wiping</b>: each cached value is registered with the global
 *       {@link Redactor} when its entry is built and released when the entry leaves the cache
 *       (any cause) or is wiped. Evicted values are zeroed; replaced ones are not (a caller may
 *       still hold them). {@link #wipeAll} zeroes and releases everything synchronously; a
 *       {@link SnapshotResource} calls it before a CRaC/SnapStart checkpoint.
 * </ul>
 */
final class CachingSecretsClient implements SecretsClient, CacheView {
  private static final Logger log = LoggerFactory.getLogger(SecretsClient.class);

  /** One cached answer for a caller's name. */
  static final class Entry {
    final SecretValue value; // null for a negative entry
    // what get() returns; null when it must be computed (binary, JSON field). Cleared by wipeAll:
    // Caffeine may still reach a removed entry (a queued removal notification) at checkpoint time.
    String text;
    final String field;
    final RuntimeException failure; // not-found (kept for negative-ttl) or a failed cold load (dropped at once)
    final long loadedAt; // ticker nanos
    final long expiresAt; // ticker nanos
    volatile long refreshAt; // ticker nanos
    final AtomicBoolean refreshing = new AtomicBoolean();
    volatile boolean stale;
    volatile boolean staleReported;
    Subscription redaction; // set once, before the entry is published

    Entry(SecretValue value, String text, String field, RuntimeException failure, long loadedAt,
        long refreshAt, long expiresAt) {
      this.value = value;
      this.text = text;
      this.field = field;
      this.failure = failure;
      this.loadedAt = loadedAt;
      this.refreshAt = refreshAt;
      this.expiresAt = expiresAt;
    }

    String versionId() {
      return value == null ? null : value.versionId();
    }

    /** Stops masking this entry's value (idempotent). */
    void release() {
      Subscription r = redaction;
      if (r != null) {
        r.close();
        redaction = null; // the handle holds the value's text; the entry may outlive its removal
      }
    }
  }

  private final SecretProvider provider;
  private final String providerId;
  private final Names names;
  private final Resilience resilience;
  private final Audit audit;
  private final boolean auditHits;
  private final SnapshotResource snapshot; // held strongly: the CRaC context holds it weakly
  private final Clock clock;
  private final Executor executor;
  private final Runnable onClose;
  private final long refreshAfterNanos;
  private final long maxStaleNanos;
  private final long negativeTtlNanos;
  private final long retryBackoffNanos;
  private final AsyncCache<String, Entry> cache;
  private volatile long nextSweep;
  private final Map<String, List<Consumer<SecretValue>>> listeners = new ConcurrentHashMap<>();
  private final Set<String> rotating = ConcurrentHashMap.newKeySet();
  private final Rotator rotator;
  private final StageCache stages;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder loadFailures = new LongAdder();
  private final LongAdder staleServed = new LongAdder();
  private final LongAdder rotations = new LongAdder();
  private final LongAdder denied = new LongAdder();
  private volatile boolean closed;

  CachingSecretsClient(SecretProvider provider, Settings settings, Names names, Resilience resilience,
      Audit audit, Clock clock, Executor executor, Runnable onClose) {
    this.provider = provider;
    this.providerId = provider.id();
    this.names = names;
    this.resilience = resilience;
    this.audit = audit;
    this.auditHits = audit.hits;
    this.clock = clock;
    this.executor = executor;
    this.onClose = onClose;
    Duration refreshAfter = settings.duration(Settings.REFRESH_AFTER, Duration.ofMinutes(5));
    Duration maxStale = settings.duration(Settings.MAX_STALE, Duration.ofHours(1));
    if (maxStale.compareTo(refreshAfter) < 0) {
      throw new ConfigurationException(Settings.MAX_STALE + " (" + maxStale + ") is shorter than "
          + Settings.REFRESH_AFTER + " (" + refreshAfter + "): values would expire before they are refreshed."
          + " Make max-stale at least as long as refresh-after.");
    }
    this.refreshAfterNanos = refreshAfter.toNanos();
    this.maxStaleNanos = maxStale.toNanos();
    this.negativeTtlNanos = settings.duration(Settings.NEGATIVE_TTL, Duration.ofSeconds(10)).toNanos();
    this.retryBackoffNanos = Math.max(Duration.ofSeconds(1).toNanos(),
        Math.min(refreshAfterNanos / 10, Duration.ofSeconds(30).toNanos()));
    int maxSize = settings.integer(Settings.MAX_SIZE, 1000, 1, 1_000_000);
    this.cache = Caffeine.newBuilder()
        .maximumSize(maxSize)
        .executor(this::maintain)
        .removalListener(this::onRemoval)
        .buildAsync();
    this.rotator = new Rotator(provider, new Rotator.Calls() {
      @Override
      public <T> T read(java.util.function.Supplier<T> call) {
        return resilience.read(call);
      }

      @Override
      public <T> T write(java.util.function.Supplier<T> call) {
        return resilience.write(call);
      }
    });
    this.stages = new StageCache(this::now, refreshAfterNanos);
    this.snapshot = new SnapshotResource(this);
    Core.getGlobalContext().register(snapshot);
  }

  private long now() {
    return clock.millis() * 1_000_000L;
  }

  /**
   * Caffeine's maintenance and removal notifications: on the client's executor, or on the calling
   * thread once that executor refuses work ({@link #close()} shuts the default one down while a
   * cold load or refresh may still complete), so a notification is never lost nor logged as an error.
   */
  private void maintain(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException refused) {
      task.run();
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public String get(String name) {
    Entry e = entry(name);
    if (e.text != null) {
      return e.text;
    }
    return e.field == null ? e.value.asString() : e.value.field(e.field);
  }

  @Override
  public SecretValue value(String name) {
    return entry(name).value;
  }

  @Override
  public SecretValue value(String name, VersionStage stage) {
    Objects.requireNonNull(stage, "stage");
    if (stage == VersionStage.CURRENT) {
      return value(name);
    }
    if (closed) {
      throw closedError();
    }
    Names.Target target = resolve(name, null);
    return stages.get(name, stage,
        () -> SecretValue.of(name, resilience.read(() -> provider.fetchStage(target.providerName(), stage))));
  }

  private Entry entry(String name) {
    if (closed) {
      throw closedError();
    }
    CompletableFuture<Entry> f = cache.getIfPresent(name);
    Entry e = f == null ? null : f.getNow(null);
    long t;
    if (e != null && e.failure == null && (t = now()) < e.expiresAt) {
      hits.increment();
      if (auditHits) {
        audit.hit(name, e.versionId());
      }
      if (e.stale) {
        staleServed.increment();
        if (!e.staleReported) {
          e.staleReported = true;
          audit.event(Type.STALE_SERVED, name, e.versionId(), Outcome.OK, 0, null, null,
              "refresh failed; serving the cached value until secrets.cache.max-stale");
        }
      }
      if (t >= e.refreshAt && e.refreshing.compareAndSet(false, true)) {
        startRefresh(name, f, e);
      }
      return e;
    }
    return coldEntry(name);
  }

  /** Hands one reload to the executor; a reader never fails because of it. */
  private void startRefresh(String name, CompletableFuture<Entry> f, Entry e) {
    try {
      executor.execute(() -> backgroundRefresh(name, f, e));
    } catch (RuntimeException rejected) {
      e.refreshing.set(false);
      log.warn("Could not start a background refresh of secret '{}' ({}); serving the cached version", name,
          rejected.getClass().getSimpleName());
    }
  }

  /**
   * A background refresh: never throws. On success the new entry replaces the old one only if the
   * old one is still cached, and a new version is announced once it is in place; on failure the old
   * entry stays, marked stale, until its expiry.
   */
  private void backgroundRefresh(String name, CompletableFuture<Entry> f, Entry old) {
    Entry fresh;
    try {
      fresh = load(name, resolve(name, null), Type.REFRESH, null);
    } catch (RuntimeException ex) {
      old.stale = true;
      old.refreshAt = now() + retryBackoffNanos;
      old.refreshing.set(false);
      log.warn("Refresh of secret '{}' from {} failed ({}); serving the cached version {} until"
          + " secrets.cache.max-stale runs out", name, providerId, describe(ex), old.versionId());
      return;
    }
    if (cache.asMap().replace(name, f, CompletableFuture.completedFuture(fresh))) {
      rotationSeen(name, old, fresh, null);
    } else {
      discard(fresh); // rotated, refreshed, invalidated or closed meanwhile: that outcome stands
    }
    sweepExpired(false);
  }

  /** Zeroes an entry no reader ever saw. */
  private static void discard(Entry e) {
    e.release();
    if (e.value != null) {
      e.value.wipe();
    }
  }

  /**
   * Drops entries past their expiry (zeroing their values through {@link #onRemoval}). Runs at
   * most once a second unless forced: on misses and refreshes, so a name nobody reads any more does
   * not keep its value in memory beyond max-stale for longer than the next cache activity.
   */
  private void sweepExpired(boolean force) {
    long t = now();
    if (!force && t < nextSweep) {
      return;
    }
    nextSweep = t + 1_000_000_000L;
    cache.asMap().forEach((key, f) -> {
      Entry e = f.getNow(null);
      if (e != null && t >= e.expiresAt) {
        cache.asMap().remove(key, f);
      }
    });
  }

  private Entry coldEntry(String name) {
    long start = System.nanoTime();
    String caller = audit.enabled() ? Audit.caller() : null;
    audit.observeName(name, caller);
    Names.Target target = resolve(name, caller);
    misses.increment();
    sweepExpired(false);
    CompletableFuture<Entry> f;
    for (;;) {
      f = cache.getIfPresent(name);
      Entry done = f == null ? null : f.getNow(null);
      if (done != null && now() >= done.expiresAt) {
        cache.asMap().remove(name, f); // past max-stale or negative-ttl: load again
        continue;
      }
      if (f != null) {
        break; // a value, a remembered not-found, or a load in flight that this reader joins
      }
      CompletableFuture<Entry> mine = new CompletableFuture<>();
      f = cache.asMap().putIfAbsent(name, mine);
      if (f == null) {
        f = mine;
        try {
          mine.complete(load(name, target, Type.LOAD, caller));
        } catch (RuntimeException ex) {
          // completed normally, not exceptionally, so Caffeine does not log it; dropped at once
          mine.complete(new Entry(null, null, null, ex, 0, Long.MAX_VALUE, 0));
          cache.asMap().remove(name, mine);
        }
        break;
      }
    }
    try {
      Entry e = check(f.join());
      audit.event(Type.ACCESS_MISS, name, e.versionId(), Outcome.OK, System.nanoTime() - start, caller, null, null);
      return e;
    } catch (SecretNotFoundException nf) {
      audit.event(Type.ACCESS_MISS, name, null, Outcome.NOT_FOUND, System.nanoTime() - start, caller, null, null);
      throw nf;
    } catch (RuntimeException ex) {
      audit.event(Type.ACCESS_MISS, name, null, Outcome.FAILED, System.nanoTime() - start, caller, ex, null);
      throw ex;
    }
  }

  /** Throws what a failed entry holds: a fresh not-found per caller, or the cold load's error. */
  private static Entry check(Entry e) {
    RuntimeException failure = e.failure;
    if (failure == null) {
      return e;
    }
    if (failure instanceof SecretNotFoundException) {
      throw new SecretNotFoundException(failure.getMessage(), failure);
    }
    throw failure;
  }

  /**
   * Validates, applies the allowlist (counting and auditing refusals) and maps the name.
   *
   * @param caller the calling class if known, else null (looked up only on a refusal)
   */
  private Names.Target resolve(String name, String caller) {
    try {
      return names.resolve(name);
    } catch (SecretNotAllowedException e) {
      denied.increment();
      if (audit.enabled()) {
        audit.event(Type.DENIED, name, null, Outcome.REFUSED, 0, caller != null ? caller : Audit.caller(), e,
            "not in secrets.allow");
      }
      throw e;
    }
  }

  /**
   * One provider read (retried, behind the breaker); not-found becomes a negative entry.
   *
   * @param kind {@link Type#LOAD} or {@link Type#REFRESH}, for the audit trail
   */
  private Entry load(String name, Names.Target target, Type kind, String caller) {
    long start = System.nanoTime();
    try {
      SecretRecord record = resilience.read(() -> provider.fetch(target.providerName()));
      loads.increment();
      audit.event(kind, name, record.versionId(), Outcome.OK, System.nanoTime() - start, caller, null, null);
      return entryFor(name, target, record);
    } catch (SecretNotFoundException nf) {
      loadFailures.increment();
      audit.event(kind, name, null, Outcome.NOT_FOUND, System.nanoTime() - start, caller, null, null);
      long t = now();
      return new Entry(null, null, null, nf, t, Long.MAX_VALUE, t + negativeTtlNanos);
    } catch (SecretsException ex) {
      loadFailures.increment();
      audit.event(Type.PROVIDER_FAILURE, name, null, Outcome.FAILED, System.nanoTime() - start, caller, ex,
          kind == Type.LOAD ? "load" : "refresh");
      throw ex;
    } catch (RuntimeException ex) {
      loadFailures.increment();
      audit.event(Type.PROVIDER_FAILURE, name, null, Outcome.FAILED, System.nanoTime() - start, caller, ex,
          (kind == Type.LOAD ? "load" : "refresh") + ": provider bug");
      throw new SecretsException("Provider " + providerId + " failed unexpectedly reading secret '" + name
          + "' (" + ex.getClass().getName() + "). This is a provider bug; please report it.", ex);
    }
  }

  private Entry entryFor(String name, Names.Target target, SecretRecord record) {
    SecretValue value = SecretValue.of(name, record);
    long t = now();
    long jittered = (long) (refreshAfterNanos * (0.9 + 0.2 * ThreadLocalRandom.current().nextDouble()));
    long refreshAt = t + jittered;
    long expiresAt = t + maxStaleNanos;
    if (record.expiresOn() != null) {
      long validFor = Math.max(0, record.expiresOn().toEpochMilli() * 1_000_000L - t);
      refreshAt = Math.min(refreshAt, t + validFor * 2 / 3);
      expiresAt = Math.min(expiresAt, t + validFor);
    }
    String text = null;
    if (target.field() == null) {
      try {
        text = value.asString();
      } catch (SecretsException binary) {
        text = null; // get() will explain that the value is binary
      }
    }
    Entry e = new Entry(value, text, target.field(), null, t, refreshAt, expiresAt);
    e.redaction = Redactor.global().protect(value);
    return e;
  }

  /**
   * After a reload is in the cache: audits and announces a new version id (listeners that read the
   * name see the new value).
   */
  private void rotationSeen(String name, Entry old, Entry fresh, String caller) {
    if (old != null && old.value != null && fresh.value != null
        && !Objects.equals(old.versionId(), fresh.versionId())) {
      audit.event(Type.ROTATION_SEEN, name, fresh.versionId(), Outcome.OK, 0, caller, null,
          "previous version " + old.versionId());
      announce(name, fresh.value);
    }
  }

  private static String describe(Throwable ex) {
    return ex.getClass().getSimpleName() + ": " + ex.getMessage();
  }

  /**
   * Stops masking a value that left the cache, and zeroes it when it was evicted for size or had
   * expired (a replaced value is not zeroed: a caller may still be using it).
   */
  private void onRemoval(String key, Entry e, RemovalCause cause) {
    if (e == null) {
      return;
    }
    e.release();
    if (e.value != null && (cause.wasEvicted() || now() >= e.expiresAt)) {
      e.value.wipe();
    }
  }

  // ---------------------------------------------------------------- batch

  @Override
  public Map<String, SecretValue> values(Collection<String> requested) {
    if (closed) {
      throw closedError();
    }
    Set<String> wanted = new LinkedHashSet<>(requested);
    Map<String, SecretValue> found = new LinkedHashMap<>();
    Map<String, Names.Target> cold = new LinkedHashMap<>();
    String caller = audit.enabled() ? Audit.caller() : null;
    for (String name : wanted) {
      if (cache.getIfPresent(name) != null) {
        found.put(name, entry(name).value);
      } else {
        audit.observeName(name, caller);
        cold.put(name, resolve(name, caller));
      }
    }
    List<String> missing = new ArrayList<>();
    if (!cold.isEmpty()) {
      misses.add(cold.size());
      Set<String> providerNames = new LinkedHashSet<>();
      cold.values().forEach(t -> providerNames.add(t.providerName()));
      Map<String, SecretRecord> records;
      long start = System.nanoTime();
      try {
        records = resilience.read(() -> provider.fetchAll(providerNames));
      } catch (RuntimeException ex) {
        loadFailures.increment();
        long took = System.nanoTime() - start;
        for (String name : cold.keySet()) {
          audit.event(Type.PROVIDER_FAILURE, name, null, Outcome.FAILED, took, caller, ex, "batch load");
          audit.event(Type.ACCESS_MISS, name, null, Outcome.FAILED, took, caller, ex, "batch");
        }
        throw ex;
      }
      long took = System.nanoTime() - start;
      for (Map.Entry<String, Names.Target> c : cold.entrySet()) {
        SecretRecord r = records.get(c.getValue().providerName());
        if (r == null) {
          missing.add(c.getKey());
          audit.event(Type.LOAD, c.getKey(), null, Outcome.NOT_FOUND, took, caller, null, "batch");
          audit.event(Type.ACCESS_MISS, c.getKey(), null, Outcome.NOT_FOUND, took, caller, null, "batch");
          continue;
        }
        loads.increment();
        audit.event(Type.LOAD, c.getKey(), r.versionId(), Outcome.OK, took, caller, null, "batch");
        audit.event(Type.ACCESS_MISS, c.getKey(), r.versionId(), Outcome.OK, took, caller, null, "batch");
        // each caller name gets its own copy: entries wipe their bytes independently
        Entry e = entryFor(c.getKey(), c.getValue(), new SecretRecord(r.name(), r.versionId(),
            r.value().clone(), r.createdOn(), r.expiresOn(), r.metadata()));
        cache.put(c.getKey(), CompletableFuture.completedFuture(e));
        found.put(c.getKey(), e.value);
      }
      // the entries hold copies; the provider's arrays are ours to zero
      records.values().forEach(r -> java.util.Arrays.fill(r.value(), (byte) 0));
    }
    if (!missing.isEmpty()) {
      throw new SecretNotFoundException("Secrets not found in " + providerId + ": " + String.join(", ", missing)
          + ". Check the names, secrets.env and secrets.name-template.");
    }
    Map<String, SecretValue> ordered = new LinkedHashMap<>();
    wanted.forEach(n -> ordered.put(n, found.get(n)));
    return ordered;
  }

  // ---------------------------------------------------------------- rotation

  @Override
  public Subscription onRotate(String name, Consumer<SecretValue> listener) {
    io.secretsbroker.spi.SecretNames.validate(name);
    Objects.requireNonNull(listener, "listener");
    List<Consumer<SecretValue>> list = listeners.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>());
    list.add(listener);
    return () -> list.remove(listener);
  }

  private void announce(String name, SecretValue value) {
    rotations.increment();
    if (rotating.contains(name)) {
      return;
    }
    List<Consumer<SecretValue>> list = listeners.get(name);
    if (list == null) {
      return;
    }
    for (Consumer<SecretValue> l : list) {
      executor.execute(() -> {
        try {
          l.accept(value);
        } catch (RuntimeException | Error ex) {
          StackTraceElement[] st = ex.getStackTrace();
          log.warn("A rotation listener for secret '{}' threw {} at {}; other listeners are unaffected", name,
              ex.getClass().getName(), st.length > 0 ? st[0] : "?");
        }
      });
    }
  }

  /**
   * Stage, apply, verify, promote with a compare-and-set: {@link Rotator}. Announcements of the name
   * are held back while it rotates; the promoted version is cached and announced once.
   */
  @Override
  public SecretValue rotate(String name, Rotation rotation) {
    if (closed) {
      throw closedError();
    }
    Objects.requireNonNull(rotation, "rotation");
    String caller = audit.enabled() ? Audit.caller() : null;
    long start = System.nanoTime();
    Names.Target target = resolve(name, caller);
    if (!rotating.add(name)) {
      throw new RotationFailedException("Secret '" + name + "' is already being rotated by this client;"
          + " wait for that rotation to finish.");
    }
    try {
      Rotator.Outcome done = rotator.rotate(name, target.providerName(), target.field(), rotation);
      Entry e = entryFor(name, target, done.promoted());
      cache.put(name, CompletableFuture.completedFuture(e));
      stages.invalidate(name);
      rotating.remove(name);
      audit.event(Type.ROTATION_WRITTEN, name, e.versionId(), Outcome.OK, System.nanoTime() - start, caller,
          null, "previous version " + done.previousVersionId() + (done.resumed() ? ", resumed pending" : ""));
      announce(name, e.value);
      return e.value;
    } catch (RotationFailedException ex) {
      stages.invalidate(name);
      audit.event(Type.ROTATION_WRITTEN, name, null, Outcome.FAILED, System.nanoTime() - start, caller,
          ex.getCause() instanceof Exception why ? why : ex, "not promoted; see the exception for what was undone");
      throw ex;
    } catch (SecretsException ex) {
      audit.event(Type.PROVIDER_FAILURE, name, null, Outcome.FAILED, System.nanoTime() - start, caller, ex,
          "rotate");
      throw ex;
    } finally {
      rotating.remove(name);
    }
  }

  // ---------------------------------------------------------------- the rest

  @Override
  public void refresh(String name) {
    if (closed) {
      throw closedError();
    }
    String caller = audit.enabled() ? Audit.caller() : null;
    Names.Target target = resolve(name, caller);
    CompletableFuture<Entry> f = cache.getIfPresent(name);
    Entry old = f == null ? null : f.getNow(null);
    Entry fresh = load(name, target, Type.REFRESH, caller);
    stages.invalidate(name);
    cache.put(name, CompletableFuture.completedFuture(fresh));
    rotationSeen(name, old, fresh, caller);
    check(fresh);
  }

  @Override
  public CacheStats stats() {
    return new CacheStats(hits.sum(), misses.sum(), loads.sum(), loadFailures.sum(), staleServed.sum(),
        rotations.sum(), denied.sum());
  }

  /** The circuit breaker's state, for tests and diagnostics. */
  String breakerState() {
    return resilience.breakerState();
  }

  /** Drops expired entries and runs Caffeine's pending maintenance (evictions) now, for tests. */
  void cleanUp() {
    sweepExpired(true);
    cache.synchronous().cleanUp();
  }

  /**
   * Zeroes every cached value, stops masking it and empties the cache (close, or before a
   * snapshot). Synchronous: when it returns, no cached value's bytes remain and the
   * {@link Redactor} holds none of this client's texts.
   */
  void wipeAll() {
    for (CompletableFuture<Entry> f : cache.asMap().values()) {
      Entry e = f.getNow(null);
      if (e != null) {
        e.release();
        e.text = null;
        if (e.value != null) {
          e.value.wipe();
        }
      }
    }
    cache.synchronous().invalidateAll();
    stages.clear();
  }

  /** CRaC / SnapStart: nothing secret may be in the snapshot. */
  void beforeCheckpoint() {
    wipeAll();
    ProviderLifecycle.beforeCheckpoint(provider);
    log.info("Checkpoint: wiped the cached secrets of provider {}; they reload on next use", providerId);
  }

  /** CRaC / SnapStart: the cache is empty, so each name loads again on its next read. */
  void afterRestore() {
    ProviderLifecycle.afterRestore(provider);
    log.info("Restored from a checkpoint: secrets of provider {} load again on next use", providerId);
  }

  /** The resource registered with the CRaC global context, for tests. */
  org.crac.Resource snapshotResource() {
    return snapshot;
  }

  @Override
  public long hitCount() {
    return hits.sum();
  }

  @Override
  public long staleServedCount() {
    return staleServed.sum();
  }

  @Override
  public double ageSeconds(String name) {
    CompletableFuture<Entry> f = cache.asMap().get(name);
    Entry e = f == null ? null : f.getNow(null);
    if (e == null || e.value == null) {
      return Double.NaN;
    }
    return (now() - e.loadedAt) / 1e9;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    wipeAll();
    try {
      provider.close();
    } finally {
      audit.close();
      onClose.run();
    }
  }

  private SecretsException closedError() {
    return new SecretsException("This SecretsClient (provider " + providerId + ") is closed. Build a new one,"
        + " or use Secrets.client().");
  }

  @Override
  public String toString() {
    return "SecretsClient[provider=" + providerId + ", " + names + "]";
  }
}
