package io.secretsbroker.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;

/**
 * Loads and initialises the classes a {@link SecretCache} uses (Caffeine's generated cache and node
 * classes for its features, its buffers and frequency sketch) by building and using a throwaway
 * cache with the same features. The client runs it on its start-up thread while the provider
 * opens, so its own cache does not pay for them on the path to the first secret. It touches no
 * other cache and holds nothing afterwards. Thread-safe.
 */
public final class CacheWarmUp {
  private CacheWarmUp() {}

  /** Builds, uses and drops a cache with {@link SecretCache}'s features. */
  public static void run() {
    Cache<String, String> c = Caffeine.newBuilder()
        .maximumSize(1)
        .executor(Runnable::run)
        .removalListener((String k, String v, RemovalCause cause) -> { })
        .build();
    c.asMap().putIfAbsent("warm", "up");
    c.getIfPresent("warm");
    c.asMap().replace("warm", "up", "again");
    c.asMap().remove("warm", "again");
  }
}
