package io.secretsbroker.testkit;

import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.spi.SecretNames;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A writable, versioned, in-process secret store for tests, demos and benchmarks: the
 * {@code memory://} provider.
 *
 * <p><b>Data.</b> Each secret keeps every version it was given; version ids are random (32 hex
 * digits, never derived from the value) and never reused, not even after {@link #delete}. Values are copied on
 * the way in and out, so a caller (or the client's cache, which zeroes values it evicts) can never
 * change what the store holds. {@link #seed} writes straight into the store; {@link #put} is the
 * SPI write and is counted and subject to injected faults like every other SPI call.
 *
 * <p><b>Counters.</b> Every SPI call ({@link #fetch}, {@link #fetchVersion}, {@link #fetchAll},
 * {@link #put}) is counted when it starts, including calls that then fail: per operation
 * ({@link #fetchCount()}, {@link #fetchAllCount()}, ...) and per name ({@link #fetchCount(String)},
 * {@link #readCount(String)}). {@link #resetCounts()} zeroes them.
 *
 * <p><b>Rotation.</b> The store stages like a cloud store with labels: {@link #stage} keeps one
 * pending candidate beside the current version (recording, as metadata {@code stagedFrom}, the
 * version it was staged from), conditional on the current version; {@link #promote} makes it
 * current with a compare-and-set on the expected current version (the version that was current
 * becomes {@link VersionStage#PREVIOUS}); {@link #discardPending} drops it. Each of these is one
 * atomic step on the secret. {@link #fetchStage} reads {@code CURRENT}, {@code PREVIOUS} (the
 * version before the current one) and {@code PENDING}. A conflict is a
 * {@link RotationConflictException} naming the version that holds current.
 *
 * <p><b>Faults</b>, applied to SPI calls in this order, after name validation:
 * <ol>
 *   <li>a {@linkplain #holdFetches() hold} blocks reads until released;
 *   <li>{@linkplain #latency(Duration) latency} sleeps (a feature for demos and benchmarks; tests
 *       must not depend on timing);
 *   <li>a {@linkplain #throttle(int, Duration) throttle} fails calls beyond a rate with a
 *       {@link ProviderUnavailableException} whose message says "throttled";
 *   <li>{@linkplain #failNext(int, Supplier) queued failures} throw the supplied exception;
 *   <li>{@linkplain #deny(String) denied names} throw {@link SecretAccessDeniedException}.
 * </ol>
 *
 * <p><b>Named stores.</b> {@link #named(String)} returns the store registered under a name,
 * creating it on first use; the {@code memory://name} provider URI opens that same instance, so a
 * test can seed and inspect the store a client built from configuration uses. Closing a named
 * store (the client closes its provider when it is closed) removes it from the registry: the next
 * use of the name starts with an empty store. {@code memory://} without a name opens a new,
 * unregistered store.
 *
 * <p><b>Threads.</b> Safe for concurrent use. Reads take no lock; writes to one name are atomic;
 * fault bookkeeping takes a short lock only while faults are configured. After {@link #close()}
 * every SPI call throws {@link SecretsException}; {@link #closed()} says whether it was closed.
 * Messages never contain a value.
 */
public final class InMemorySecretProvider implements SecretProvider {

  /** The SPI operations, for per-operation counters and faults. */
  public enum Operation {
    FETCH, FETCH_VERSION, FETCH_ALL, PUT, FETCH_STAGE, STAGE, PROMOTE, DISCARD_PENDING;

    boolean isRead() {
      return this == FETCH || this == FETCH_VERSION || this == FETCH_ALL || this == FETCH_STAGE;
    }
  }

  private static final ConcurrentMap<String, InMemorySecretProvider> NAMED = new ConcurrentHashMap<>();

  /** One secret: its versions (oldest first), its pending candidate (or null) and whether it is deleted. Immutable. */
  private record Secret(List<SecretRecord> versions, long lastVersion, boolean deleted, SecretRecord pending) {
    Secret(List<SecretRecord> versions, long lastVersion, boolean deleted) {
      this(versions, lastVersion, deleted, null);
    }

    SecretRecord current() {
      return versions.get(versions.size() - 1);
    }

    Secret withPending(SecretRecord p) {
      return new Secret(versions, lastVersion, deleted, p);
    }
  }

  /** A queued failure: the next {@code remaining} calls of {@code operation} (null: any) fail. */
  private static final class Fault {
    final Operation operation;
    final Supplier<? extends RuntimeException> failure;
    int remaining;

    Fault(Operation operation, int remaining, Supplier<? extends RuntimeException> failure) {
      this.operation = operation;
      this.remaining = remaining;
      this.failure = failure;
    }
  }

  private final String storeName;
  private final ConcurrentMap<String, Secret> secrets = new ConcurrentHashMap<>();
  private final Set<String> denied = ConcurrentHashMap.newKeySet();
  private final Map<Operation, LongAdder> opCounts = new EnumMap<>(Operation.class);
  private final ConcurrentMap<String, LongAdder> fetchByName = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LongAdder> readByName = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LongAdder> putByName = new ConcurrentHashMap<>();

  private final Object faultLock = new Object();
  private final ArrayDeque<Fault> faults = new ArrayDeque<>();
  private final AtomicInteger faultsQueued = new AtomicInteger();
  private volatile Duration latency = Duration.ZERO;
  private volatile int throttleLimit;
  private volatile Duration throttleWindow;
  private long throttleWindowStart;
  private int throttleCalls;
  private volatile FetchHold hold;
  private volatile Clock clock = Clock.systemUTC();
  private volatile boolean closed;

  /** A new, empty, unregistered store. */
  public InMemorySecretProvider() {
    this(null);
  }

  private InMemorySecretProvider(String storeName) {
    this.storeName = storeName;
    for (Operation op : Operation.values()) {
      opCounts.put(op, new LongAdder());
    }
  }

  /**
   * The store registered under {@code storeName}, created empty on first use (also by the
   * {@code memory://storeName} provider URI). Closing it unregisters it.
   */
  public static InMemorySecretProvider named(String storeName) {
    Objects.requireNonNull(storeName, "storeName");
    if (storeName.isBlank()) {
      throw new IllegalArgumentException("A store name must not be blank");
    }
    return NAMED.computeIfAbsent(storeName, InMemorySecretProvider::new);
  }

  /** The name of every registered (named, not yet closed) store. */
  public static Set<String> namedStores() {
    return Collections.unmodifiableSet(new TreeSet<>(NAMED.keySet()));
  }

  /** This store's registry name, if it is a named store. */
  public Optional<String> storeName() {
    return Optional.ofNullable(storeName);
  }

  @Override
  public String id() {
    return storeName == null ? "memory" : "memory:" + storeName;
  }

  /** The time source for version creation times and throttle windows (default: system UTC). */
  public InMemorySecretProvider clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  // ------------------------------------------------------------------ test-side writes

  /** Writes {@code value} (UTF-8) as the new current version, uncounted and without faults. */
  public InMemorySecretProvider seed(String name, String value) {
    return seed(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code value} (copied) as the new current version, uncounted and without faults. */
  public InMemorySecretProvider seed(String name, byte[] value) {
    write(name, value);
    return this;
  }

  /** Seeds every entry of {@code values} (name to UTF-8 text). */
  public InMemorySecretProvider seedAll(Map<String, String> values) {
    values.forEach(this::seed);
    return this;
  }

  /**
   * Deletes {@code name}: reads of it and of its versions fail with not-found until it is written
   * again (version numbering then continues). Returns whether it existed.
   */
  public boolean delete(String name) {
    boolean[] existed = {false};
    secrets.computeIfPresent(name, (n, s) -> {
      existed[0] = !s.deleted();
      return new Secret(s.versions(), s.lastVersion(), true, null);
    });
    return existed[0];
  }

  /** Makes every SPI call for {@code name} fail with {@link SecretAccessDeniedException}. */
  public InMemorySecretProvider deny(String name) {
    denied.add(Objects.requireNonNull(name, "name"));
    return this;
  }

  /** Undoes {@link #deny(String)}. */
  public InMemorySecretProvider allow(String name) {
    denied.remove(name);
    return this;
  }

  // ------------------------------------------------------------------ test-side reads (uncounted)

  /** The current value of {@code name} as UTF-8 text, uncounted; empty when absent or deleted. */
  public Optional<String> currentValue(String name) {
    return current(name).map(r -> new String(r.value(), StandardCharsets.UTF_8));
  }

  /** The current version id of {@code name}, uncounted; empty when absent or deleted. */
  public Optional<String> currentVersion(String name) {
    return current(name).map(SecretRecord::versionId);
  }

  /** Every version id of {@code name}, oldest first, uncounted; empty when never written. */
  public List<String> versions(String name) {
    Secret s = secrets.get(name);
    return s == null ? List.of() : s.versions().stream().map(SecretRecord::versionId).toList();
  }

  /** The names of every secret that exists (not deleted), sorted. */
  public Set<String> names() {
    Set<String> out = new TreeSet<>();
    secrets.forEach((n, s) -> {
      if (!s.deleted()) {
        out.add(n);
      }
    });
    return out;
  }

  private Optional<SecretRecord> current(String name) {
    Secret s = secrets.get(name);
    return s == null || s.deleted() ? Optional.empty() : Optional.of(s.current());
  }

  // ------------------------------------------------------------------ counters

  /** Calls of {@link #fetch}. */
  public long fetchCount() {
    return count(Operation.FETCH);
  }

  /** Calls of {@link #fetch} for {@code name}. */
  public long fetchCount(String name) {
    return counter(fetchByName, name);
  }

  /** Calls of {@link #fetchVersion}. */
  public long fetchVersionCount() {
    return count(Operation.FETCH_VERSION);
  }

  /** Calls of {@link #fetchAll}. */
  public long fetchAllCount() {
    return count(Operation.FETCH_ALL);
  }

  /** Calls of {@link #put}. */
  public long putCount() {
    return count(Operation.PUT);
  }

  /** Calls of {@link #put} for {@code name}. */
  public long putCount(String name) {
    return counter(putByName, name);
  }

  /**
   * Reads that asked for {@code name}: {@link #fetch}, {@link #fetchVersion} and every
   * {@link #fetchAll} whose set held it. This is "provider calls for a key" in single-flight tests.
   */
  public long readCount(String name) {
    return counter(readByName, name);
  }

  /** Calls of one operation. */
  public long count(Operation operation) {
    return opCounts.get(operation).sum();
  }

  /** Calls of every SPI operation together. */
  public long callCount() {
    long total = 0;
    for (LongAdder a : opCounts.values()) {
      total += a.sum();
    }
    return total;
  }

  /** Zeroes every counter. */
  public InMemorySecretProvider resetCounts() {
    opCounts.values().forEach(LongAdder::reset);
    fetchByName.clear();
    readByName.clear();
    putByName.clear();
    return this;
  }

  private static long counter(Map<String, LongAdder> counters, String name) {
    LongAdder a = counters.get(name);
    return a == null ? 0 : a.sum();
  }

  private static void bump(ConcurrentMap<String, LongAdder> counters, String name) {
    counters.computeIfAbsent(name, n -> new LongAdder()).increment();
  }

  // ------------------------------------------------------------------ fault injection

  /** The next {@code n} SPI calls of any operation throw what {@code failure} supplies. */
  public InMemorySecretProvider failNext(int n, Supplier<? extends RuntimeException> failure) {
    return enqueue(null, n, failure);
  }

  /** The next {@code n} calls of {@code operation} throw what {@code failure} supplies. */
  public InMemorySecretProvider failNext(Operation operation, int n, Supplier<? extends RuntimeException> failure) {
    return enqueue(Objects.requireNonNull(operation, "operation"), n, failure);
  }

  /** The next {@code n} SPI calls fail with a {@link ProviderUnavailableException} (transient). */
  public InMemorySecretProvider failNext(int n) {
    return failNext(n, () -> new ProviderUnavailableException("Provider " + id()
        + " failed: injected transient failure (InMemorySecretProvider.failNext)."));
  }

  /** Every SPI call fails with what {@code failure} supplies until {@link #clearFaults()}: an outage. */
  public InMemorySecretProvider failAlways(Supplier<? extends RuntimeException> failure) {
    return failNext(Integer.MAX_VALUE, failure);
  }

  private InMemorySecretProvider enqueue(Operation op, int n, Supplier<? extends RuntimeException> failure) {
    Objects.requireNonNull(failure, "failure");
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, was " + n);
    }
    if (n > 0) {
      synchronized (faultLock) {
        faults.addLast(new Fault(op, n, failure));
        faultsQueued.incrementAndGet();
      }
    }
    return this;
  }

  /** Every SPI call first sleeps this long (demos and benchmarks; tests must not rely on timing). */
  public InMemorySecretProvider latency(Duration latency) {
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative");
    }
    this.latency = latency;
    return this;
  }

  /**
   * Allows at most {@code maxCalls} SPI calls per fixed window of length {@code window} (measured
   * with {@link #clock(Clock)}); calls beyond it fail with a {@link ProviderUnavailableException}
   * saying "throttled", like a cloud's rate limit.
   */
  public InMemorySecretProvider throttle(int maxCalls, Duration window) {
    if (maxCalls < 0 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("throttle needs maxCalls >= 0 and a positive window");
    }
    synchronized (faultLock) {
      throttleWindow = window;
      throttleLimit = maxCalls;
      throttleWindowStart = clock.millis();
      throttleCalls = 0;
    }
    return this;
  }

  /** The next {@code n} SPI calls fail as throttled ({@link ProviderUnavailableException}). */
  public InMemorySecretProvider throttleNext(int n) {
    return failNext(n, () -> throttled("injected by throttleNext"));
  }

  private ProviderUnavailableException throttled(String why) {
    return new ProviderUnavailableException("Provider " + id() + " throttled the request (" + why
        + "). Retry later, or raise the rate limit.");
  }

  /** Removes queued failures, the throttle and the latency (not holds or denied names). */
  public InMemorySecretProvider clearFaults() {
    synchronized (faultLock) {
      faults.clear();
      faultsQueued.set(0);
      throttleWindow = null;
    }
    latency = Duration.ZERO;
    return this;
  }

  /**
   * Makes {@link #fetch}, {@link #fetchVersion} and {@link #fetchAll} block until the returned
   * hold is released (or this store is closed), for tests of non-blocking refresh. Only one hold
   * is active at a time.
   *
   * @throws IllegalStateException when a hold is already active
   */
  public FetchHold holdFetches() {
    synchronized (faultLock) {
      FetchHold h = hold;
      if (h != null && !h.isReleased()) {
        throw new IllegalStateException("A hold is already active on " + id() + "; release it first");
      }
      h = new FetchHold(id());
      hold = h;
      return h;
    }
  }

  /** Applies hold, latency, throttle and queued failures to one call, in that order. */
  private void faults(Operation op) {
    FetchHold h = hold;
    if (h != null && op.isRead()) {
      h.pass();
    }
    Duration d = latency;
    if (!d.isZero()) {
      try {
        Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProviderUnavailableException("Provider " + id() + " call was interrupted during its latency.");
      }
    }
    if (throttleWindow != null || faultsQueued.get() > 0) {
      RuntimeException failure = nextFailure(op);
      if (failure != null) {
        throw failure;
      }
    }
  }

  private RuntimeException nextFailure(Operation op) {
    Supplier<? extends RuntimeException> supplier = null;
    synchronized (faultLock) {
      Duration window = throttleWindow;
      if (window != null) {
        long now = clock.millis();
        if (now - throttleWindowStart >= window.toMillis()) {
          throttleWindowStart = now;
          throttleCalls = 0;
        }
        if (++throttleCalls > throttleLimit) {
          return throttled("more than " + throttleLimit + " calls per " + window);
        }
      }
      for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
        Fault f = it.next();
        if (f.operation == null || f.operation == op) {
          supplier = f.failure;
          if (--f.remaining == 0) {
            it.remove();
            faultsQueued.decrementAndGet();
          }
          break;
        }
      }
    }
    return supplier == null ? null : supplier.get();
  }

  // ------------------------------------------------------------------ SPI

  private void enter(Operation op) {
    if (closed) {
      throw new SecretsException("Provider " + id() + " is closed. Use a new InMemorySecretProvider"
          + (storeName == null ? "." : " (InMemorySecretProvider.named(\"" + storeName + "\") now returns a fresh one)."));
    }
    opCounts.get(op).increment();
  }

  private void checkAccess(String name) {
    if (denied.contains(name)) {
      throw new SecretAccessDeniedException("Access to secret '" + name + "' is denied by provider " + id()
          + " (InMemorySecretProvider.deny). Call allow(\"" + name + "\") to grant it.");
    }
  }

  private SecretNotFoundException notFound(String name) {
    return new SecretNotFoundException("Secret '" + name + "' not found in provider " + id()
        + ". Seed it with seed(\"" + name + "\", value) or check the name and environment prefix.");
  }

  @Override
  public SecretRecord fetch(String name) {
    enter(Operation.FETCH);
    SecretNames.validate(name);
    bump(fetchByName, name);
    bump(readByName, name);
    faults(Operation.FETCH);
    checkAccess(name);
    return copy(current(name).orElseThrow(() -> notFound(name)));
  }

  @Override
  public SecretRecord fetchVersion(String name, String versionId) {
    enter(Operation.FETCH_VERSION);
    SecretNames.validate(name);
    bump(readByName, name);
    faults(Operation.FETCH_VERSION);
    checkAccess(name);
    Secret s = secrets.get(name);
    if (s == null || s.deleted()) {
      throw notFound(name);
    }
    if (versionId == null) {
      return copy(s.current());
    }
    for (SecretRecord r : s.versions()) {
      if (r.versionId().equals(versionId)) {
        return copy(r);
      }
    }
    throw new SecretNotFoundException("Secret '" + name + "' has no version '" + versionId + "' in provider "
        + id() + "; its versions are " + versions(name) + ".");
  }

  @Override
  public Map<String, SecretRecord> fetchAll(Set<String> names) {
    enter(Operation.FETCH_ALL);
    for (String name : names) {
      SecretNames.validate(name);
    }
    names.forEach(n -> bump(readByName, n));
    faults(Operation.FETCH_ALL);
    Map<String, SecretRecord> out = new LinkedHashMap<>();
    for (String name : names) {
      checkAccess(name);
      current(name).ifPresent(r -> out.put(name, copy(r)));
    }
    return out;
  }

  @Override
  public SecretRecord put(String name, byte[] value) {
    enter(Operation.PUT);
    SecretNames.validate(name);
    Objects.requireNonNull(value, "value");
    bump(putByName, name);
    faults(Operation.PUT);
    checkAccess(name);
    return copy(write(name, value));
  }

  /** The SPI write with a text value (UTF-8); counted and subject to faults like {@link #put(String, byte[])}. */
  public SecretRecord put(String name, String value) {
    return put(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private SecretRecord write(String name, byte[] value) {
    SecretNames.validate(name);
    byte[] stored = value.clone();
    Instant now = clock.instant();
    Secret s = secrets.compute(name, (n, old) -> {
      long next = old == null ? 1 : old.lastVersion() + 1;
      List<SecretRecord> versions = new ArrayList<>(old == null || old.deleted() ? List.of() : old.versions());
      versions.add(new SecretRecord(n, newVersionId(), stored, now));
      return new Secret(List.copyOf(versions), next, false, old == null || old.deleted() ? null : old.pending());
    });
    return s.current();
  }

  private static String newVersionId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  // ------------------------------------------------------------------ SPI: staging

  /** Staging is supported: {@link #stage}, {@link #promote}, {@link #discardPending}. */
  @Override
  public boolean supportsStaging() {
    return true;
  }

  @Override
  public SecretRecord fetchStage(String name, VersionStage stage) {
    Objects.requireNonNull(stage, "stage");
    enter(Operation.FETCH_STAGE);
    SecretNames.validate(name);
    bump(readByName, name);
    faults(Operation.FETCH_STAGE);
    checkAccess(name);
    Secret s = secrets.get(name);
    if (s == null || s.deleted()) {
      throw notFound(name);
    }
    SecretRecord r = switch (stage) {
      case CURRENT -> s.current();
      case PREVIOUS -> s.versions().size() < 2 ? null : s.versions().get(s.versions().size() - 2);
      case PENDING -> s.pending();
    };
    if (r == null) {
      throw new SecretNotFoundException("Secret '" + name + "' has no " + stage + " version in provider " + id()
          + (stage == VersionStage.PENDING ? " (no rotation is in progress)." : " (it has only one version)."));
    }
    return copy(r);
  }

  /** The pending candidate's value as UTF-8 text, uncounted; empty when none. */
  public Optional<String> pendingValue(String name) {
    Secret s = secrets.get(name);
    return s == null || s.deleted() || s.pending() == null ? Optional.empty()
        : Optional.of(new String(s.pending().value(), StandardCharsets.UTF_8));
  }

  @Override
  public SecretRecord stage(String name, String expectedCurrentVersionId, byte[] value) {
    enter(Operation.STAGE);
    SecretNames.validate(name);
    Objects.requireNonNull(expectedCurrentVersionId, "expectedCurrentVersionId");
    Objects.requireNonNull(value, "value");
    faults(Operation.STAGE);
    checkAccess(name);
    SecretRecord p = new SecretRecord(name, newVersionId(), value.clone(), clock.instant(), null,
        Map.of("stagedFrom", expectedCurrentVersionId));
    String[] conflict = {null};
    Secret after = secrets.computeIfPresent(name, (n, s) -> {
      if (s.deleted()) {
        return s;
      }
      if (!s.current().versionId().equals(expectedCurrentVersionId)) {
        conflict[0] = s.current().versionId();
        return s;
      }
      return s.withPending(p);
    });
    if (after == null || after.deleted()) {
      throw notFound(name);
    }
    if (conflict[0] != null) {
      throw conflict(name, expectedCurrentVersionId, conflict[0]);
    }
    return copy(p);
  }

  @Override
  public SecretRecord promote(String name, String pendingVersionId, String expectedCurrentVersionId) {
    enter(Operation.PROMOTE);
    SecretNames.validate(name);
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    Objects.requireNonNull(expectedCurrentVersionId, "expectedCurrentVersionId");
    faults(Operation.PROMOTE);
    checkAccess(name);
    String[] conflict = {null};
    boolean[] noPending = {false};
    Secret after = secrets.computeIfPresent(name, (n, s) -> {
      if (s.deleted()) {
        return s;
      }
      if (!s.current().versionId().equals(expectedCurrentVersionId)) {
        conflict[0] = s.current().versionId();
        return s;
      }
      SecretRecord p = s.pending();
      if (p == null || !p.versionId().equals(pendingVersionId)) {
        noPending[0] = true;
        return s;
      }
      List<SecretRecord> versions = new ArrayList<>(s.versions());
      versions.add(new SecretRecord(n, p.versionId(), p.value(), p.createdOn()));
      return new Secret(List.copyOf(versions), s.lastVersion() + 1, false, null);
    });
    if (after == null || after.deleted()) {
      throw notFound(name);
    }
    if (conflict[0] != null) {
      throw conflict(name, expectedCurrentVersionId, conflict[0]);
    }
    if (noPending[0]) {
      throw new RotationConflictException("Secret '" + name + "' in provider " + id() + " has no pending version '"
          + pendingVersionId + "' any more (another rotation replaced or discarded it); nothing was promoted."
          + " Rotate again.");
    }
    return copy(after.current());
  }

  @Override
  public void discardPending(String name, String pendingVersionId) {
    enter(Operation.DISCARD_PENDING);
    SecretNames.validate(name);
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    faults(Operation.DISCARD_PENDING);
    checkAccess(name);
    secrets.computeIfPresent(name, (n, s) ->
        s.pending() != null && s.pending().versionId().equals(pendingVersionId) ? s.withPending(null) : s);
  }

  private RotationConflictException conflict(String name, String expected, String actual) {
    return new RotationConflictException("Secret '" + name + "' in provider " + id() + " is at version " + actual
        + ", not the expected " + expected + ": another writer got there first, so nothing was changed."
        + " Read the current value and rotate again if needed.");
  }

  private static SecretRecord copy(SecretRecord r) {
    return new SecretRecord(r.name(), r.versionId(), r.value().clone(), r.createdOn(), r.expiresOn(), r.metadata());
  }

  /**
   * Marks this store closed (SPI calls then fail), releases any hold so no thread stays blocked,
   * and unregisters a named store. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    FetchHold h = hold;
    if (h != null) {
      h.release();
    }
    if (storeName != null) {
      NAMED.remove(storeName, this);
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean closed() {
    return closed;
  }

  @Override
  public String toString() {
    return "InMemorySecretProvider[" + id() + ", secrets=" + names() + (closed ? ", closed" : "") + "]";
  }
}
