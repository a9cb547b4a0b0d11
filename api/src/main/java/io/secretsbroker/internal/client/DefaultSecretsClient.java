package io.secretsbroker.internal.client;

import io.secretsbroker.CacheStats;
import io.secretsbroker.ClientClosedException;
import io.secretsbroker.Rotation;
import io.secretsbroker.SecretNotAllowedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.SecretsException;
import io.secretsbroker.Subscription;
import io.secretsbroker.Ticker;
import io.secretsbroker.VersionStage;
import io.secretsbroker.internal.Settings;
import io.secretsbroker.internal.cache.CacheSettings;
import io.secretsbroker.internal.cache.Entry;
import io.secretsbroker.internal.cache.SecretCache;
import io.secretsbroker.internal.observe.Audit;
import io.secretsbroker.internal.observe.CacheEvents.Kind;
import io.secretsbroker.internal.observe.CacheView;
import io.secretsbroker.internal.observe.ClientEvents;
import io.secretsbroker.internal.observe.Listeners;
import io.secretsbroker.internal.resilience.Resilience;
import io.secretsbroker.internal.rotate.RotationFlow;
import io.secretsbroker.internal.rotate.StageCache;
import io.secretsbroker.internal.snapshot.ProviderLifecycle;
import io.secretsbroker.internal.snapshot.SnapshotResource;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SecretsClient} behind every public entry point, and the wiring of the flow
 * {@code client -> cache (internal.cache) -> resilience (internal.resilience) -> provider}, with
 * every step reported through {@link ClientEvents} (internal.observe). Each job lives with its
 * package; this class keeps the reads and the closed state and delegates the rest:
 *
 * <ul>
 *   <li><b>Reads</b>: {@link #get} asks the {@link SecretCache} for a hit (no lock, no allocation);
 *       on a miss the name is validated, checked against {@code secrets.allow} ({@link Names}), mapped
 *       to the provider-side name, and loaded once however many threads ask (single flight, see the
 *       cache's design note). Callers get {@linkplain SecretValue#view() views} of the cached value.
 *   <li><b>Batch</b>: {@link #values} and the cache's batch refresh are {@link BatchRead}.
 *   <li><b>Closed state</b>: one compare-and-set; the provider and the close hook run exactly once,
 *       and a load in flight at close is zeroed and fails with {@link ClientClosedException}. The
 *       driver sits behind a {@link ProviderHandle}: no driver call is made after close.
 *   <li><b>Listeners</b>: {@link #onRotate} and the announcements of new versions are
 *       {@link Listeners} (internal.observe); {@code stats().rotations} counts what was delivered.
 *   <li><b>Rotation</b>: {@link #rotate} is {@link RotationFlow} (internal.rotate): stage, apply,
 *       verify, promote (compare-and-set); PREVIOUS/PENDING reads are cached in a {@link StageCache}.
 *   <li><b>Snapshots</b>: registered with CRaC / SnapStart; the cache is wiped before a checkpoint.
 * </ul>
 * Thread-safe.
 */
public final class DefaultSecretsClient implements SecretsClient, CacheView, SnapshotResource.Participant {
  private static final Logger log = LoggerFactory.getLogger(SecretsClient.class);

  private final ProviderHandle provider; // the closed-state check before every driver call
  private final String providerId;
  private final Names names;
  private final Resilience resilience;
  private final Audit audit;
  private final ClientEvents events;
  private final SecretCache secrets;
  private final SnapshotResource snapshot; // held strongly: the CRaC context holds it weakly
  private final Executor executor;
  private final Runnable onClose;
  private final Listeners listeners;
  private final RotationFlow rotations;
  private final BatchRead batch;
  private final StageCache stages; // PREVIOUS / PENDING reads, cached for refresh-after
  private volatile List<String> prefetched = List.of(); // secrets.prefetch, loaded again after a restore
  private volatile boolean closed; // set once, by compare-and-set through CLOSED

  private static final VarHandle CLOSED;

  static {
    try {
      CLOSED = MethodHandles.lookup().findVarHandle(DefaultSecretsClient.class, "closed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  DefaultSecretsClient(SecretProvider driver, Settings settings, Names names, Resilience resilience,
      Audit audit, Clock clock, Ticker ticker, Executor executor, Runnable onClose) {
    this.provider = new ProviderHandle(driver);
    this.providerId = driver.id();
    this.names = names;
    this.resilience = resilience;
    this.audit = audit;
    this.events = new ClientEvents(audit);
    this.executor = executor;
    this.onClose = onClose;
    CacheSettings cacheSettings = CacheSettings.from(settings);
    this.secrets = new SecretCache(cacheSettings, ticker, clock, executor, events, providerId);
    this.stages = new StageCache(secrets::now, cacheSettings.refreshAfterNanos());
    this.listeners = new Listeners(executor, events, SecretCache::safe);
    this.rotations = new RotationFlow(provider, resilience, secrets, stages, listeners, audit);
    // batch parallelism is decided by the driver itself: the handle always forwards fetchAll
    this.batch = new BatchRead(provider, ParallelFetch.nativeBatch(driver), resilience, secrets, events,
        this::resolve, executor);
    this.secrets.bind(n -> load(n, resolve(n, null), Kind.REFRESH, null), this::versionSeen);
    this.secrets.bindBatch(batch::reload);
    this.snapshot = SnapshotResource.register(this);
  }

  // ---------------------------------------------------------------- reads

  @Override
  public String get(String name) {
    Entry e = entry(name);
    String text = e.text();
    if (text != null) {
      return text;
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
    return stages.get(name, stage,
        () -> SecretValue.of(name, resilience.read(() -> provider.fetchStage(target.providerName(), stage))));
  }

  private Entry entry(String name) {
    Objects.requireNonNull(name, "name");
    if (closed) {
      throw closedError();
    }
    Entry e = secrets.hit(name);
    return e != null ? e : coldEntry(name);
  }

  private Entry coldEntry(String name) {
    long start = System.nanoTime();
    String caller = events.callerIfAudited();
    events.nameRead(name, caller);
    Names.Target target = resolve(name, caller);
    events.misses(1);
    try {
      Entry e = secrets.load(name, () -> load(name, target, Kind.LOAD, caller), caller);
      events.coldRead(name, e.versionId(), null, false, System.nanoTime() - start, caller, null);
      return e;
    } catch (SecretNotFoundException nf) {
      events.coldRead(name, null, nf, true, System.nanoTime() - start, caller, null);
      throw nf;
    } catch (RuntimeException ex) {
      events.coldRead(name, null, ex, false, System.nanoTime() - start, caller, null);
      throw ex;
    }
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
      events.denied(name, caller, e);
      throw e;
    }
  }

  /** One provider read (retried, behind the breaker); not-found becomes a negative entry. */
  private Entry load(String name, Names.Target target, Kind kind, String caller) {
    long start = System.nanoTime();
    String step = kind == Kind.LOAD ? "load" : "refresh";
    try {
      SecretRecord record = resilience.read(() -> provider.fetch(target.providerName()));
      events.loaded(kind, name, record.versionId(), System.nanoTime() - start, caller, null);
      return secrets.entryFor(name, target.field(), record);
    } catch (SecretNotFoundException nf) {
      events.notFound(kind, name, System.nanoTime() - start, caller, null);
      return secrets.notFound(nf);
    } catch (SecretsException ex) {
      events.loadFailed(kind, name, System.nanoTime() - start, caller, ex, step);
      throw ex;
    } catch (RuntimeException ex) {
      events.loadFailed(kind, name, System.nanoTime() - start, caller, ex, step + ": provider bug");
      throw new SecretsException("Provider " + providerId + " failed unexpectedly reading secret '" + name
          + "' (" + ex.getClass().getName() + "). This is a provider bug; please report it.", ex);
    }
  }

  /**
   * Loads the {@code secrets.prefetch} names in one batch (called once the client is built, and
   * again, never failing, after a checkpoint's restore). A failure is audited and logged, and the names load on
   * first use, unless {@code required}: then it is thrown.
   */
  void prefetch(List<String> names, boolean required) {
    prefetched = List.copyOf(names);
    if (names.isEmpty() || closed) {
      return;
    }
    try {
      values(names);
    } catch (SecretsException ex) {
      if (required) {
        throw ex;
      }
      log.warn("Prefetch of {} secrets from {} failed ({}); they load on first use", names.size(), providerId,
          SecretCache.describe(ex));
    }
  }

  // ---------------------------------------------------------------- batch

  @Override
  public Map<String, SecretValue> values(Collection<String> requested) {
    Objects.requireNonNull(requested, "names");
    if (closed) {
      throw closedError();
    }
    return batch.values(requested);
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
    return listeners.add(name, listener);
  }

  /** A reload now cached carries a new version: audit it, then tell the listeners. */
  private void versionSeen(String name, String previousVersion, Entry fresh, String caller) {
    events.versionSeen(name, fresh.versionId(), previousVersion, caller);
    listeners.announce(name, fresh.value);
  }

  /**
   * Stage, apply, verify, promote with a compare-and-set: {@link Rotator}. Announcements of the name
   * are held back while it rotates; the promoted version is cached and announced once.
   */
  @Override
  public SecretValue rotate(String name, Rotation rotation) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(rotation, "rotation");
    if (closed) {
      throw closedError();
    }
    String caller = audit.enabled() ? Audit.caller() : null;
    long start = System.nanoTime();
    Names.Target target = resolve(name, caller);
    return rotations.rotate(name, target.providerName(), target.field(), rotation, caller, start);
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
    String caller = events.callerIfAudited();
    Names.Target target = resolve(name, caller);
    Entry old = secrets.current(name); // the compare-and-set token (a placeholder while a load runs)
    Entry fresh = load(name, target, Kind.REFRESH, caller);
    stages.invalidate(name);
    if (secrets.replace(name, old, fresh)) {
      secrets.changed(name, old == null ? null : old.versionId(), fresh, caller);
    }
    SecretCache.check(fresh);
  }

  @Override
  public CacheStats stats() {
    return events.stats();
  }

  /** The circuit breaker's state, for tests and diagnostics. */
  public String breakerState() {
    return resilience.breakerState();
  }

  /** Drops expired entries and runs Caffeine's pending maintenance (evictions) now, for tests. */
  public void cleanUp() {
    secrets.cleanUp();
  }

  /**
   * Zeroes every cached value, stops masking it and empties the cache (close, or before a
   * snapshot). Synchronous.
   */
  public void wipeAll() {
    secrets.wipeAll();
    stages.clear();
  }

  /** CRaC / SnapStart: nothing secret may be in the snapshot. */
  @Override
  public void beforeCheckpoint() {
    wipeAll();
    ProviderLifecycle.beforeCheckpoint(provider);
    log.info("Checkpoint: wiped the cached secrets of provider {}; they reload on next use", providerId);
  }

  /** CRaC / SnapStart: the cache is empty, so each name loads again on its next read. */
  @Override
  public void afterRestore() {
    ProviderLifecycle.afterRestore(provider);
    log.info("Restored from a checkpoint: secrets of provider {} load again on next use", providerId);
    prefetch(prefetched, false); // with the restored environment's identity, before the first read
  }

  /** The resource registered with the CRaC global context, for tests. */
  public org.crac.Resource snapshotResource() {
    return snapshot;
  }

  @Override
  public long hitCount() {
    return events.hitCount();
  }

  @Override
  public long staleServedCount() {
    return events.staleServedCount();
  }

  @Override
  public double ageSeconds(String name) {
    return secrets.ageSeconds(name);
  }

  @Override
  public void close() {
    if (!CLOSED.compareAndSet(this, false, true)) {
      return; // exactly one caller closes the provider and runs the close hook
    }
    secrets.close();
    stages.clear();
    try {
      provider.close();
    } finally {
      audit.close();
      onClose.run();
    }
  }

  private ClientClosedException closedError() {
    return secrets.closedError();
  }

  @Override
  public String toString() {
    return "SecretsClient[provider=" + providerId + ", " + names + "]";
  }
}
