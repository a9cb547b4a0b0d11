package io.secretsbroker.internal.observe;

import io.secretsbroker.CacheStats;
import io.secretsbroker.spi.AuditEvent.Outcome;
import io.secretsbroker.spi.AuditEvent.Type;
import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one {@link CacheEvents} implementation: {@link LongAdder} counters (read by {@code stats()}
 * and the metrics binder) and the {@link Audit} trail. A hit is a counter bump and, only when a
 * sink asked for hits, one event. Thread-safe.
 */
public final class ClientEvents implements CacheEvents {
  private final Audit audit;
  private final boolean auditHits;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder loadFailures = new LongAdder();
  private final LongAdder staleServed = new LongAdder();
  private final LongAdder rotations = new LongAdder();
  private final LongAdder denied = new LongAdder();
  private final LongAdder freezeRetries = new LongAdder();

  public ClientEvents(Audit audit) {
    this.audit = audit;
    this.auditHits = audit.hits;
  }

  /** The audit trail, for client steps outside the cache (rotation). */
  public Audit audit() {
    return audit;
  }

  @Override
  public void hit(String name, String versionId) {
    hits.increment();
    if (auditHits) {
      audit.hit(name, versionId);
    }
  }

  @Override
  public void staleServed(String name, String versionId, boolean first) {
    staleServed.increment();
    if (first) {
      audit.event(Type.STALE_SERVED, name, versionId, Outcome.OK, 0, null, null,
          "refresh failed; serving the cached value until secrets.cache.max-stale");
    }
  }

  @Override
  public void misses(int count) {
    misses.add(count);
  }

  @Override
  public void loaded(Kind kind, String name, String versionId, long nanos, String caller, String detail) {
    loads.increment();
    audit.event(type(kind), name, versionId, Outcome.OK, nanos, caller, null, detail);
  }

  @Override
  public void notFound(Kind kind, String name, long nanos, String caller, String detail) {
    loadFailures.increment();
    audit.event(type(kind), name, null, Outcome.NOT_FOUND, nanos, caller, null, detail);
  }

  @Override
  public void loadFailed(Kind kind, String name, long nanos, String caller, Throwable error, String detail) {
    loadFailures.increment();
    audit.event(Type.PROVIDER_FAILURE, name, null, Outcome.FAILED, nanos, caller, error, detail);
  }

  @Override
  public void freezeRetry(Collection<String> names, Throwable error) {
    freezeRetries.increment();
    for (String name : names) {
      audit.event(Type.PROVIDER_FAILURE, name, null, Outcome.FAILED, 0, null, error,
          "freeze retry: the call spanned a freeze; retried at once, not counted as an outage");
    }
  }

  @Override
  public void batchFailed(Collection<String> names, long nanos, String caller, Throwable error) {
    loadFailures.increment();
    for (String name : names) {
      audit.event(Type.PROVIDER_FAILURE, name, null, Outcome.FAILED, nanos, caller, error, "batch load");
      audit.event(Type.ACCESS_MISS, name, null, Outcome.FAILED, nanos, caller, error, "batch");
    }
  }

  @Override
  public void coldRead(String name, String versionId, Throwable error, boolean notFound, long nanos, String caller,
      String detail) {
    Outcome outcome = notFound ? Outcome.NOT_FOUND : error != null ? Outcome.FAILED : Outcome.OK;
    audit.event(Type.ACCESS_MISS, name, versionId, outcome, nanos, caller, notFound ? null : error, detail);
  }

  @Override
  public void versionSeen(String name, String versionId, String previousVersion, String caller) {
    audit.event(Type.ROTATION_SEEN, name, versionId, Outcome.OK, 0, caller, null, "previous version " + previousVersion);
  }

  @Override
  public void rotationDelivered() {
    rotations.increment();
  }

  @Override
  public void denied(String name, String caller, Throwable error) {
    denied.increment();
    if (audit.enabled()) {
      audit.event(Type.DENIED, name, null, Outcome.REFUSED, 0, caller != null ? caller : Audit.caller(), error,
          "not in secrets.allow");
    }
  }

  @Override
  public String callerIfAudited() {
    return audit.enabled() ? Audit.caller() : null;
  }

  @Override
  public void nameRead(String name, String caller) {
    audit.observeName(name, caller);
  }

  private static Type type(Kind kind) {
    return kind == Kind.LOAD ? Type.LOAD : Type.REFRESH;
  }

  /** A snapshot of the counters. */
  public CacheStats stats() {
    return new CacheStats(hits.sum(), misses.sum(), loads.sum(), loadFailures.sum(), staleServed.sum(),
        rotations.sum(), denied.sum());
  }

  public long hitCount() {
    return hits.sum();
  }

  /** Background refreshes retried at once because their provider call spanned a freeze. */
  public long freezeRetryCount() {
    return freezeRetries.sum();
  }

  public long staleServedCount() {
    return staleServed.sum();
  }
}
