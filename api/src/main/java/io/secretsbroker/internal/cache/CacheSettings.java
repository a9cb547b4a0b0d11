package io.secretsbroker.internal.cache;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.internal.Settings;
import java.time.Duration;

/**
 * The cache's time and size settings, validated once.
 *
 * @param refreshAfterNanos age after which a hit starts a background refresh (before jitter)
 * @param maxStaleNanos how long after its load a value may be served while refreshes fail
 * @param negativeTtlNanos how long a not-found is remembered
 * @param retryBackoffNanos wait after a failed refresh before the next try
 * @param maxSize cached names at most
 * @param refreshBatch whether a due refresh reloads, in one batch, every entry due within the jitter span
 */
public record CacheSettings(long refreshAfterNanos, long maxStaleNanos, long negativeTtlNanos, long retryBackoffNanos,
    int maxSize, boolean refreshBatch) {

  /** The span a refresh-after is jittered over (±10%): entries loaded together fall due within it. */
  public long jitterSpanNanos() {
    return refreshAfterNanos / 5;
  }

  /**
   * @throws ConfigurationException when max-stale is shorter than refresh-after, or a value is malformed
   */
  public static CacheSettings from(Settings settings) {
    Duration refreshAfter = settings.duration(Settings.REFRESH_AFTER, Duration.ofMinutes(5));
    Duration maxStale = settings.duration(Settings.MAX_STALE, Duration.ofHours(1));
    if (maxStale.compareTo(refreshAfter) < 0) {
      throw new ConfigurationException(Settings.MAX_STALE + " (" + maxStale + ") is shorter than "
          + Settings.REFRESH_AFTER + " (" + refreshAfter + "): values would expire before they are refreshed."
          + " Make max-stale at least as long as refresh-after.");
    }
    long refresh = refreshAfter.toNanos();
    long retry = Math.max(Duration.ofSeconds(1).toNanos(), Math.min(refresh / 10, Duration.ofSeconds(30).toNanos()));
    return new CacheSettings(refresh, maxStale.toNanos(),
        settings.duration(Settings.NEGATIVE_TTL, Duration.ofSeconds(10)).toNanos(), retry,
        settings.integer(Settings.MAX_SIZE, 1000, 1, 1_000_000), bool(settings, Settings.REFRESH_BATCH, true));
  }

  /** {@code true} or {@code false}, nothing else. */
  public static boolean bool(Settings settings, String key, boolean fallback) {
    String v = settings.get(key, null);
    if (v == null) {
      return fallback;
    }
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new ConfigurationException(key + " must be true or false, was '" + v + "'.");
  }
}
