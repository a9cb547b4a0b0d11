package io.secretsbroker.internal.observe;

/** What metrics read from a client without going through its API (no counting, no loading). */
public interface CacheView {
  /** Reads answered from the cache so far. */
  long hitCount();

  /** Reads answered with a stale value so far. */
  long staleServedCount();

  /** Seconds since the cached value of {@code name} was loaded, or NaN when none is cached. */
  double ageSeconds(String name);
}
