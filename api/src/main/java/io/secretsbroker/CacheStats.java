package io.secretsbroker;

/**
 * A snapshot of a client's counters since it was built.
 *
 * @param hits reads answered from the cache
 * @param misses reads that found no usable cached value
 * @param loads provider calls that returned a value (cold loads and refreshes)
 * @param loadFailures provider calls that failed (after retries)
 * @param staleServed reads answered with a value whose refresh had failed
 * @param rotations new versions seen by a reload or written by {@code rotate}
 * @param denied reads refused by the allowlist
 */
public record CacheStats(
    long hits, long misses, long loads, long loadFailures, long staleServed, long rotations, long denied) {

  /** The share of reads answered from the cache, 0 to 1 (1 when there were no reads). */
  public double hitRate() {
    long total = hits + misses;
    return total == 0 ? 1.0 : (double) hits / total;
  }
}
