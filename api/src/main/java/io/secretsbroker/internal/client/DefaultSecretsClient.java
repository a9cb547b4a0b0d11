package io.secretsbroker.internal.client;

import io.secretsbroker.CacheStats;
import io.secretsbroker.ClientClosedException;
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
import io.secretsbroker.internal.Settings;
import io.secretsbroker.internal.cache.CacheSettings;
import io.secretsbroker.internal.cache.Entry;
import io.secretsbroker.internal.cache.SecretCache;
import io.secretsbroker.internal.observe.Audit;
import io.secretsbroker.internal.observe.CacheEvents.Kind;
import io.secretsbroker.internal.observe.CacheView;
import io.secretsbroker.internal.observe.ClientEvents;
import io.secretsbroker.internal.resilience.Resilience;
import io.secretsbroker.internal.rotate.Rotator;
import io.secretsbroker.internal.rotate.StageCache;
import io.secretsbroker.internal.snapshot.ProviderLifecycle;
import io.secretsbroker.internal.snapshot.SnapshotResource;
import io.secretsbroker.spi.AuditEvent.Outcome;
import io.secretsbroker.spi.AuditEvent.Type;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SecretsClient} behind every public entry point: the closed state, name resolution and
 * the allowlist, listeners, rotation, and the wiring of the flow
 * {@code client -> cache (internal.cache) -> resilience (internal.resilience) -> provider}, with
 * every step reported through {@link ClientEvents} (internal.observe).
 *
 * <ul>
 *   <li><b>Reads</b>: {@link #get} asks the {@link SecretCache} for a hit (no lock, no allocation);
 *       on a miss the name is validated, checked against {@code secrets.allow}, mapped to the
 *       provider-side name, and loaded once however many threads ask (single flight, see the cache's
 *       design note). Callers get {@linkplain SecretValue#view() views} of the cached value.
 *   <li><b>Closed state</b>: one compare-and-set; the provider and the close hook run exactly once,
 *       and a load in flight at close is zeroed and fails with {@link ClientClosedException}.
 *   <li><b>Rotation</b>: {@link #rotate} is {@link Rotator}'s stage, apply, verify, promote
 *       (compare-and-set); PREVIOUS/PENDING reads are cached in a {@link StageCache}. A reload with a
 *       new version id announces it to listeners on the executor once it is cached; announcements
 *       are held back while the name rotates through this client, and {@code stats().rotations}
 *       counts what was delivered.
 *   <li><b>Snapshots</b>: registered with CRaC / SnapStart; the cache is wiped before a checkpoint.
 * </ul>
 * Thread-safe.
 */
public final class DefaultSecretsClient implements SecretsClient, CacheView, SnapshotResource.Participant {
  private static final Logger log = LoggerFactory.getLogger(SecretsClient.class);

  private final SecretProvider provider;
  private final String providerId;
  private final Names names;
  private final Resilience resilience;
  private final Audit audit;
  private final ClientEvents events;
  private final SecretCache secrets;
  private final SnapshotResource snapshot; // held strongly: the CRaC context holds it weakly
  private final Executor executor;
  private final boolean nativeBatch; // the driver overrides fetchAll; else the batch fans out here
  private final Runnable onClose;
  private final Map<String, List<Consumer<SecretValue>>> listeners = new ConcurrentHashMap<>();
  private final Set<String> rotating = ConcurrentHashMap.newKeySet();
  private final Rotator rotator;
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

  DefaultSecretsClient(SecretProvider provider, Settings settings, Names names, Resilience resilience,
      Audit audit, Clock clock, Ticker ticker, Executor executor, Runnable onClose) {
    this.provider = provider;
    this.providerId = provider.id();
    this.names = names;
    this.resilience = resilience;
    this.audit = audit;
    this.events = new ClientEvents(audit);
    this.executor = executor;
    this.nativeBatch = ParallelFetch.nativeBatch(provider);
    this.onClose = onClose;
    CacheSettings cacheSettings = CacheSettings.from(settings);
    this.secrets = new SecretCache(cacheSettings, ticker, clock, executor, events, providerId);
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
    this.stages = new StageCache(secrets::now, cacheSettings.refreshAfterNanos());
    this.secrets.bind(n -> load(n, resolve(n, null), Kind.REFRESH, null), this::versionSeen);
    this.secrets.bindBatch(this::reloadAll);
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
   * A batch refresh: the names' current versions in one provider batch (the store's own batch call
   * where it has one, else parallel single reads), as fresh entries; not-found becomes a negative
   * entry. Throws when the whole batch failed (the cache then keeps the old entries, stale).
   */
  private Map<String, Entry> reloadAll(List<String> batch) {
    Map<String, Names.Target> targets = new LinkedHashMap<>();
    for (String name : batch) {
      targets.put(name, resolve(name, null));
    }
    return BatchLoad.reload(provider, resilience, secrets, events, targets, nativeBatch, executor);
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

  private Entry entryFor(String name, Names.Target target, SecretRecord record) {
    return secrets.entryFor(name, target.field(), record);
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
    Map<String, SecretCache.Claim> claims = new LinkedHashMap<>();
    Map<String, Names.Target> owned = new LinkedHashMap<>();
    String caller = events.callerIfAudited();
    for (String name : wanted) {
      Entry hit = secrets.hit(name);
      if (hit != null) {
        found.put(name, hit.value.view());
        continue;
      }
      events.nameRead(name, caller);
      Names.Target target = resolve(name, caller);
      events.misses(1);
      SecretCache.Claim claim = secrets.claim(name); // the futures get() uses: a cold get joins this batch
      claims.put(name, claim);
      if (claim.owned()) {
        owned.put(name, target);
      }
    }
    if (!owned.isEmpty()) {
      BatchLoad.run(provider, resilience, secrets, events, owned, claims, caller, nativeBatch, executor);
    }
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, SecretCache.Claim> c : claims.entrySet()) {
      CompletableFuture<Entry> f = c.getValue().future();
      Entry e = secrets.afterLoad(c.getKey(), f, f.join());
      if (e.failure instanceof SecretNotFoundException) {
        missing.add(c.getKey());
        continue;
      }
      SecretCache.check(e); // a joined cold load that failed
      if (c.getValue().owned()) {
        secrets.changed(c.getKey(), c.getValue().expiredVersion(), e, caller);
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

  /** A reload now cached carries a new version: audit it, then tell the listeners. */
  private void versionSeen(String name, String previousVersion, Entry fresh, String caller) {
    events.versionSeen(name, fresh.versionId(), previousVersion, caller);
    announce(name, fresh.value);
  }

  /**
   * Tells the name's listeners about a new version, unless the name is being rotated (the
   * rotation announces its outcome once). {@code stats().rotations} counts what is delivered here.
   */
  private void announce(String name, SecretValue value) {
    if (rotating.contains(name)) {
      return;
    }
    events.rotationDelivered();
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
          log.warn("A rotation listener for secret '{}' threw {} at {}; other listeners are unaffected",
              SecretCache.safe(name), ex.getClass().getName(), st.length > 0 ? st[0] : "?");
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
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(rotation, "rotation");
    if (closed) {
      throw closedError();
    }
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
      secrets.install(name, e);
      stages.invalidate(name);
      rotating.remove(name);
      audit.event(Type.ROTATION_WRITTEN, name, e.versionId(), Outcome.OK, System.nanoTime() - start, caller,
          null, "previous version " + done.previousVersionId() + (done.resumed() ? ", resumed pending" : ""));
      announce(name, e.value);
      return e.value.view(); // a view: the caller's wipe() never zeroes the cached copy
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
