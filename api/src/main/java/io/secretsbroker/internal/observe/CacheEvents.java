package io.secretsbroker.internal.observe;

/**
 * Everything the cache and the client report, in one place (in the spirit of Caffeine's
 * {@code StatsCounter}): counters for {@code stats()} and metrics, and the audit trail. The cache
 * calls it and knows nothing of audit sinks or Micrometer.
 *
 * <p>Implementations are thread-safe; {@link #hit} is on the hot path and must not allocate
 * unless a sink asked for hit events.
 */
public interface CacheEvents {
  /** How a provider read came about, for the audit trail. */
  enum Kind { LOAD, REFRESH }

  /** A read answered from the cache. */
  void hit(String name, String versionId);

  /** A read answered with a value whose refresh failed; {@code first} once per entry. */
  void staleServed(String name, String versionId, boolean first);

  /** Reads that found no usable cached value. */
  void misses(int count);

  /** A provider read returned a value. */
  void loaded(Kind kind, String name, String versionId, long nanos, String caller, String detail);

  /** A provider read said not found. */
  void notFound(Kind kind, String name, long nanos, String caller, String detail);

  /** A provider read failed (after retries). */
  void loadFailed(Kind kind, String name, long nanos, String caller, Throwable error, String detail);

  /** The outcome of one cold read, as the caller saw it. */
  void coldRead(String name, String versionId, Throwable error, boolean notFound, long nanos, String caller,
      String detail);

  /** A reload replaced {@code previousVersion} with a new version (audited before listeners hear). */
  void versionSeen(String name, String versionId, String previousVersion, String caller);

  /** An announcement was delivered to the name's listeners. */
  void rotationDelivered();

  /** The allowlist refused a name. */
  void denied(String name, String caller, Throwable error);

  /** A batch read failed as a whole (after retries): one failure, audited per name. */
  void batchFailed(java.util.Collection<String> names, long nanos, String caller, Throwable error);

  /**
   * A background refresh of {@code names} failed after its provider call spanned a freeze, and is
   * retried at once instead of being counted as an outage.
   */
  default void freezeRetry(java.util.Collection<String> names, Throwable error) {}

  /** The calling class when the audit trail wants it (cold path only), else null. */
  String callerIfAudited();

  /** Counts a name read on the cold path towards the anomaly window. */
  void nameRead(String name, String caller);
}
