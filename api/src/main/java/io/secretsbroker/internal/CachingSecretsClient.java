package io.secretsbroker.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.secretsbroker.CacheStats;
import io.secretsbroker.ClientClosedException;
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
import io.secretsbroker.Ticker;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.AuditEvent.Outcome;
import io.secretsbroker.spi.AuditEvent.Type;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
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
 *       value). {@code rotate} writes, verifies, and restores the previous value on failure;
 *       announcements for a name are held back while it rotates, so listeners see the outcome
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
    final String text; // what get() returns; null when it must be computed (binary, JSON field)
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
  private final Clock clock; // wall time: only to convert a store's absolute expiry dates
  private final Ticker ticker; // monotonic: every deadline
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
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder loadFailures = new LongAdder();
  private final LongAdder staleServed = new LongAdder();
  private final LongAdder rotations = new LongAdder();
  private final LongAdder denied = new LongAdder();
  private volatile boolean closed; // set once, by compare-and-set through CLOSED

  private static final VarHandle CLOSED;

  static {
    try {
      CLOSED = MethodHandles.lookup().findVarHandle(CachingSecretsClient.class, "closed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  CachingSecretsClient(SecretProvider provider, Settings settings, Names names, Resilience resilience,
      Audit audit, Clock clock, Ticker ticker, Executor executor, Runnable onClose) {
    this.provider = provider;
    this.providerId = provider.id();
    this.names = names;
    this.resilience = resilience;
    this.audit = audit;
    this.auditHits = audit.hits;
    this.clock = clock;
    this.ticker = ticker;
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
    this.snapshot = new SnapshotResource(this);
    Core.getGlobalContext().register(snapshot);
  }

  private long now() {
    return ticker.read();
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
    return entry(name).value.view(); // a view: a caller's wipe() never zeroes the cached copy
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
    SecretRecord r = resilience.read(() -> provider.fetchStage(target.providerName(), stage));
    return SecretValue.of(name, r);
  }

  private Entry entry(String name) {
    Objects.requireNonNull(name, "name");
    if (closed) {
      throw closedError();
    }
    CompletableFuture<Entry> f = cache.getIfPresent(name);
    Entry e = f == null ? null : f.getNow(null);
    long t;
    if (e != null && e.failure == null && (t = now()) < e.expiresAt) {
      onHit(name, f, e, t);
      return e;
    }
    return coldEntry(name);
  }

  /** A usable cached entry was found: count, audit if asked, start a refresh once it is due. */
  private void onHit(String name, CompletableFuture<Entry> f, Entry e, long t) {
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
  }

  /** The usable cached entry for {@code name}, counted as a hit, or null (cold, expired, in flight). */
  private Entry hitOrNull(String name) {
    CompletableFuture<Entry> f = cache.getIfPresent(name);
    Entry e = f == null ? null : f.getNow(null);
    long t;
    if (e != null && e.failure == null && (t = now()) < e.expiresAt) {
      onHit(name, f, e, t);
      return e;
    }
    return null;
  }

  /** Hands one reload to the executor; a reader never fails because of it. */
  private void startRefresh(String name, CompletableFuture<Entry> f, Entry e) {
    try {
      executor.execute(() -> backgroundRefresh(name, f, e));
    } catch (RuntimeException rejected) {
      e.refreshing.set(false);
      log.warn("Could not start a background refresh of secret '{}' ({}); serving the cached version", safe(name),
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
          + " secrets.cache.max-stale runs out", safe(name), providerId, describe(ex), old.versionId());
      return;
    }
    if (cache.asMap().replace(name, f, CompletableFuture.completedFuture(fresh))) {
      rotationSeen(name, old.versionId(), fresh, null);
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
    Claim claim = claim(name); // before the sweep, so an expired entry's version is seen and compared
    sweepExpired(false);
    CompletableFuture<Entry> f = claim.future();
    if (claim.owned()) {
      try {
        f.complete(load(name, target, Type.LOAD, caller));
      } catch (RuntimeException ex) {
        failed(name, f, ex);
      }
    }
    try {
      Entry e = afterLoad(name, f, check(f.join()));
      if (claim.owned()) {
        rotationSeen(name, claim.expiredVersion(), e, caller);
      }
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

  /**
   * Single flight: the future a cold reader of {@code name} waits on.
   *
   * @param owned whether this caller inserted it and must complete it (exactly one caller does)
   * @param expiredVersion the version of an expired entry this claim replaced, to announce a change
   */
  private record Claim(CompletableFuture<Entry> future, boolean owned, String expiredVersion) {}

  /**
   * The cached or in-flight future for {@code name}, or a new incomplete one this caller owns.
   * An entry past its expiry is removed first (compare-and-remove, so a concurrent writer wins).
   */
  private Claim claim(String name) {
    String expiredVersion = null;
    for (;;) {
      CompletableFuture<Entry> f = cache.getIfPresent(name);
      Entry done = f == null ? null : f.getNow(null);
      if (done != null && now() >= done.expiresAt) {
        if (cache.asMap().remove(name, f) && done.value != null) {
          expiredVersion = done.versionId(); // past max-stale or negative-ttl: load again
        }
        continue;
      }
      if (f != null) {
        return new Claim(f, false, null); // a value, a remembered not-found, or a load this reader joins
      }
      CompletableFuture<Entry> mine = new CompletableFuture<>();
      if (cache.asMap().putIfAbsent(name, mine) == null) {
        return new Claim(mine, true, expiredVersion);
      }
    }
  }

  /**
   * A claimed load failed: complete the future normally with the failure (so Caffeine does not log
   * it and joiners see the same error) and drop it at once.
   */
  private void failed(String name, CompletableFuture<Entry> mine, RuntimeException ex) {
    mine.complete(new Entry(null, null, null, ex, 0, Long.MAX_VALUE, 0));
    cache.asMap().remove(name, mine);
  }

  /**
   * A load finished: if the client was closed meanwhile, its result is dropped and zeroed (nobody
   * else would wipe it) and the caller gets {@link ClientClosedException}.
   */
  private Entry afterLoad(String name, CompletableFuture<Entry> f, Entry e) {
    if (closed) {
      cache.asMap().remove(name, f);
      discard(e);
      throw closedError();
    }
    return e;
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
      // the store's date is wall time: convert the time left into the ticker's frame once
      long leftMillis = Math.max(0, record.expiresOn().toEpochMilli() - clock.millis());
      long validFor = Math.min(maxStaleNanos, Math.min(leftMillis, Long.MAX_VALUE / 1_000_000L) * 1_000_000L);
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
  private void rotationSeen(String name, String oldVersion, Entry fresh, String caller) {
    if (oldVersion != null && fresh.value != null && !Objects.equals(oldVersion, fresh.versionId())) {
      audit.event(Type.ROTATION_SEEN, name, fresh.versionId(), Outcome.OK, 0, caller, null,
          "previous version " + oldVersion);
      announce(name, fresh.value);
    }
  }

  /** An exception for a log line: its type and message, redacted (a provider's text may echo a value). */
  private static String describe(Throwable ex) {
    return ex.getClass().getSimpleName() + ": " + safe(ex.getMessage());
  }

  /** Text for a log line, through the live-value redactor (a "name" may be a value passed by mistake). */
  private static String safe(String text) {
    return Redactor.global().redact(text);
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
    Objects.requireNonNull(requested, "names");
    if (closed) {
      throw closedError();
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (String name : requested) {
      wanted.add(Objects.requireNonNull(name, "names contains null"));
    }
    Map<String, SecretValue> found = new LinkedHashMap<>();
    Map<String, Claim> claims = new LinkedHashMap<>();
    Map<String, Names.Target> owned = new LinkedHashMap<>();
    String caller = audit.enabled() ? Audit.caller() : null;
    for (String name : wanted) {
      Entry hit = hitOrNull(name);
      if (hit != null) {
        found.put(name, hit.value.view());
        continue;
      }
      audit.observeName(name, caller);
      Names.Target target = resolve(name, caller);
      misses.increment();
      Claim claim = claim(name); // the same single-flight futures as get(): a cold get joins this batch
      claims.put(name, claim);
      if (claim.owned()) {
        owned.put(name, target);
      }
    }
    if (!owned.isEmpty()) {
      loadBatch(owned, claims, caller);
    }
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, Claim> c : claims.entrySet()) {
      Entry e = afterLoad(c.getKey(), c.getValue().future(), c.getValue().future().join());
      if (e.failure instanceof SecretNotFoundException) {
        missing.add(c.getKey());
        continue;
      }
      check(e); // a joined cold load that failed
      if (c.getValue().owned()) {
        rotationSeen(c.getKey(), c.getValue().expiredVersion(), e, caller);
      }
      found.put(c.getKey(), e.value.view());
    }
    if (!missing.isEmpty()) {
      throw new SecretNotFoundException("Secrets not found in " + providerId + ": " + String.join(", ", missing)
          + ". Check the names, secrets.env and secrets.name-template.");
    }
    Map<String, SecretValue> ordered = new LinkedHashMap<>();
    wanted.forEach(n -> ordered.put(n, found.get(n)));
    return ordered;
  }

  /**
   * One provider batch for the claims this caller owns; completes every one of them (value,
   * not-found, or the batch's failure) so no joiner waits forever, then rethrows a failure.
   */
  private void loadBatch(Map<String, Names.Target> owned, Map<String, Claim> claims, String caller) {
    Set<String> providerNames = new LinkedHashSet<>();
    owned.values().forEach(t -> providerNames.add(t.providerName()));
    Map<String, SecretRecord> records;
    long start = System.nanoTime();
    try {
      records = resilience.read(() -> provider.fetchAll(providerNames));
    } catch (RuntimeException ex) {
      loadFailures.increment();
      long took = System.nanoTime() - start;
      for (String name : owned.keySet()) {
        failed(name, claims.get(name).future(), ex);
        audit.event(Type.PROVIDER_FAILURE, name, null, Outcome.FAILED, took, caller, ex, "batch load");
        audit.event(Type.ACCESS_MISS, name, null, Outcome.FAILED, took, caller, ex, "batch");
      }
      throw ex;
    }
    long took = System.nanoTime() - start;
    try {
      for (Map.Entry<String, Names.Target> c : owned.entrySet()) {
        String name = c.getKey();
        SecretRecord r = records.get(c.getValue().providerName());
        CompletableFuture<Entry> f = claims.get(name).future();
        if (r == null) {
          loadFailures.increment();
          audit.event(Type.LOAD, name, null, Outcome.NOT_FOUND, took, caller, null, "batch");
          audit.event(Type.ACCESS_MISS, name, null, Outcome.NOT_FOUND, took, caller, null, "batch");
          long t = now();
          f.complete(new Entry(null, null, null, new SecretNotFoundException("Secret '" + name
              + "' not found in " + providerId + ". Check the name, secrets.env and secrets.name-template."),
              t, Long.MAX_VALUE, t + negativeTtlNanos));
          continue;
        }
        loads.increment();
        audit.event(Type.LOAD, name, r.versionId(), Outcome.OK, took, caller, null, "batch");
        audit.event(Type.ACCESS_MISS, name, r.versionId(), Outcome.OK, took, caller, null, "batch");
        // each caller name gets its own copy: entries wipe their bytes independently
        f.complete(entryFor(name, c.getValue(), new SecretRecord(r.name(), r.versionId(),
            r.value().clone(), r.createdOn(), r.expiresOn(), r.metadata())));
      }
    } catch (RuntimeException ex) {
      owned.keySet().forEach(name -> {
        CompletableFuture<Entry> f = claims.get(name).future();
        if (!f.isDone()) {
          failed(name, f, ex);
        }
      });
      throw ex;
    } finally {
      // the entries hold copies; the provider's arrays are ours to zero
      records.values().forEach(r -> java.util.Arrays.fill(r.value(), (byte) 0));
    }
  }

  // ---------------------------------------------------------------- rotation

  @Override
  public Subscription onRotate(String name, Consumer<SecretValue> listener) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(listener, "listener");
    if (closed) {
      throw closedError();
    }
    resolve(name, null); // a malformed name or one outside secrets.allow is refused like a read
    List<Consumer<SecretValue>> list = listeners.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>());
    list.add(listener);
    return () -> list.remove(listener);
  }

  /**
   * Tells the name's listeners about a new version, unless the name is being rotated (the
   * rotation announces its outcome once). {@code stats().rotations} counts what is delivered here.
   */
  private void announce(String name, SecretValue value) {
    if (rotating.contains(name)) {
      return;
    }
    rotations.increment();
    List<Consumer<SecretValue>> list = listeners.get(name);
    if (list == null) {
      return;
    }
    for (Consumer<SecretValue> l : list) {
      SecretValue view = value.view(); // each listener its own: one cannot wipe another's
      executor.execute(() -> {
        try {
          l.accept(view);
        } catch (RuntimeException | Error ex) {
          StackTraceElement[] st = ex.getStackTrace();
          log.warn("A rotation listener for secret '{}' threw {} at {}; other listeners are unaffected", safe(name),
              ex.getClass().getName(), st.length > 0 ? st[0] : "?");
        }
      });
    }
  }

  @Override
  public SecretValue rotate(String name, Rotation rotation) {
    if (closed) {
      throw closedError();
    }
    Objects.requireNonNull(rotation, "rotation");
    String caller = audit.enabled() ? Audit.caller() : null;
    long start = System.nanoTime();
    Names.Target target = resolve(name, caller);
    String providerName = target.providerName();
    if (!rotating.add(name)) {
      throw new RotationFailedException("Secret '" + name + "' is already being rotated by this client;"
          + " wait for that rotation to finish.");
    }
    SecretRecord before = null; // the raw bytes of the previous value: zeroed when rotate returns
    try {
      try {
        before = resilience.read(() -> provider.fetch(providerName));
      } catch (SecretNotFoundException nf) {
        before = null;
      }
      SecretValue current = before == null ? null : SecretValue.of(name, copy(before));
      byte[] candidate = candidate(name, target, current, rotation);
      SecretRecord written = resilience.write(() -> provider.put(providerName, candidate));
      SecretValue writtenValue = SecretValue.of(name, copy(written));
      try {
        rotation.verify(writtenValue);
      } catch (Exception ex) {
        RotationFailedException failure = restore(name, target, before, written, ex);
        audit.event(Type.ROTATION_WRITTEN, name, written.versionId(), Outcome.FAILED, System.nanoTime() - start,
            caller, ex, "verification failed; see the exception for what was restored");
        throw failure;
      }
      Entry e = entryFor(name, target, written);
      cache.put(name, CompletableFuture.completedFuture(e));
      rotating.remove(name);
      audit.event(Type.ROTATION_WRITTEN, name, written.versionId(), Outcome.OK, System.nanoTime() - start, caller,
          null, before == null ? "first version" : "previous version " + before.versionId());
      announce(name, e.value);
      return e.value;
    } catch (SecretsException ex) {
      if (!(ex instanceof RotationFailedException)) {
        audit.event(Type.PROVIDER_FAILURE, name, null, Outcome.FAILED, System.nanoTime() - start, caller, ex,
            "rotate");
      }
      throw ex;
    } finally {
      rotating.remove(name);
      if (before != null) {
        java.util.Arrays.fill(before.value(), (byte) 0);
      }
    }
  }

  private static SecretRecord copy(SecretRecord r) {
    return new SecretRecord(r.name(), r.versionId(), r.value().clone(), r.createdOn(), r.expiresOn(), r.metadata());
  }

  /** The new value: the whole secret, or, for an alias with a field, the JSON with that field replaced. */
  private static byte[] candidate(String name, Names.Target target, SecretValue current, Rotation rotation) {
    String next = rotation.generate(current);
    if (target.field() == null) {
      return next.getBytes(StandardCharsets.UTF_8);
    }
    if (current == null) {
      throw new RotationFailedException("Secret '" + name + "' maps to field '" + target.field() + "' of "
          + target.providerName() + ", which does not exist; create it before rotating a field of it.");
    }
    current.field(target.field()); // throws, naming the field, when the JSON has no such field
    try {
      ObjectNode json = (ObjectNode) Json.mapper().readTree(current.asBytes());
      json.put(target.field(), next);
      return Json.mapper().writeValueAsBytes(json);
    } catch (java.io.IOException ex) {
      throw new RotationFailedException("Could not rewrite field '" + target.field() + "' of secret '" + name
          + "'; nothing was written.", ex);
    }
  }

  private RotationFailedException restore(String name, Names.Target target, SecretRecord before,
      SecretRecord written, Exception cause) {
    String why = cause.getClass().getSimpleName();
    if (before == null) {
      return new RotationFailedException("Verification of the new value of secret '" + name + "' failed (" + why
          + "). The secret had no previous value, so the unverified version " + written.versionId()
          + " stays current; rotate again once the target system accepts it.", cause);
    }
    try {
      SecretRecord restored = resilience.write(() -> provider.put(target.providerName(), before.value().clone()));
      cache.put(name, CompletableFuture.completedFuture(entryFor(name, target, restored)));
      log.warn("Rotation of secret '{}' failed verification; previous value restored as version {}", name,
          restored.versionId());
      return new RotationFailedException("Verification of the new value of secret '" + name + "' failed (" + why
          + "); the previous value was written back as the current version " + restored.versionId()
          + ". Nothing was lost; fix the verifier's target and rotate again.", cause);
    } catch (RuntimeException restoreFailure) {
      cause.addSuppressed(restoreFailure);
      cache.synchronous().invalidate(name);
      return new RotationFailedException("Verification of the new value of secret '" + name + "' failed (" + why
          + ") and writing the previous value back also failed (" + restoreFailure.getClass().getSimpleName()
          + "). The unverified version " + written.versionId() + " is current; the previous value is still"
          + " stored as version " + before.versionId() + ". Restore it from there or rotate again.", cause);
    }
  }

  // ---------------------------------------------------------------- the rest

  /**
   * Reloads now. The result is installed only if the entry it replaces is still the one read
   * before the load ({@code replace(key, old, new)}, as the background refresh does): a rotate or
   * refresh that finished meanwhile wins, and this result is zeroed.
   */
  @Override
  public void refresh(String name) {
    Objects.requireNonNull(name, "name");
    if (closed) {
      throw closedError();
    }
    String caller = audit.enabled() ? Audit.caller() : null;
    Names.Target target = resolve(name, caller);
    CompletableFuture<Entry> f = cache.getIfPresent(name);
    Entry old = f == null ? null : f.getNow(null);
    Entry fresh = load(name, target, Type.REFRESH, caller);
    CompletableFuture<Entry> next = CompletableFuture.completedFuture(fresh);
    boolean installed = f == null
        ? cache.asMap().putIfAbsent(name, next) == null
        : cache.asMap().replace(name, f, next);
    if (!installed) {
      discard(fresh);
      check(fresh);
      return;
    }
    afterLoad(name, next, fresh);
    rotationSeen(name, old == null ? null : old.versionId(), fresh, caller);
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
        if (e.value != null) {
          e.value.wipe();
        }
      }
    }
    cache.synchronous().invalidateAll();
  }

  /** CRaC / SnapStart: nothing secret may be in the snapshot. */
  void beforeCheckpoint() {
    wipeAll();
    log.info("Checkpoint: wiped the cached secrets of provider {}; they reload on next use", providerId);
  }

  /** CRaC / SnapStart: the cache is empty, so each name loads again on its next read. */
  void afterRestore() {
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
    if (!CLOSED.compareAndSet(this, false, true)) {
      return; // exactly one caller closes the provider and runs the close hook
    }
    wipeAll();
    try {
      provider.close();
    } finally {
      audit.close();
      onClose.run();
    }
  }

  private ClientClosedException closedError() {
    return new ClientClosedException("This SecretsClient (provider " + providerId + ") is closed. Build a new one,"
        + " or use Secrets.client().");
  }

  @Override
  public String toString() {
    return "SecretsClient[provider=" + providerId + ", " + names + "]";
  }
}
