package io.secretsbroker.spring.internal;

import io.secretsbroker.CacheStats;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@code secrets} health indicator reports, independent of the Boot line: {@code UP} unless
 * the most recent provider call failed (then {@code DOWN}, with the error type; cached values may
 * still be served until {@code secrets.cache.max-stale}). Details are counters, times and type
 * names: never a secret value or name. Stateless; thread-safe.
 */
public final class SecretsHealth {
  private SecretsHealth() {}

  /** True when the provider answered its most recent call (or was not called yet). */
  public static boolean up(SecretsRuntime runtime) {
    return !runtime.health().snapshot().lastCallFailed();
  }

  public static Map<String, Object> details(SecretsRuntime runtime) {
    HealthTracker.Snapshot s = runtime.health().snapshot();
    CacheStats stats = runtime.client().stats();
    Map<String, Object> d = new LinkedHashMap<>();
    String provider = runtime.settings().get("secrets.provider");
    if (provider != null) {
      int q = provider.indexOf("://");
      d.put("provider", q > 0 ? provider.substring(0, q) : provider);
    }
    d.put("providerReachable", !s.lastCallFailed());
    if (s.lastSuccess() != null) {
      d.put("lastSuccess", s.lastSuccess().toString());
    }
    if (s.lastFailure() != null) {
      d.put("lastFailure", s.lastFailure().toString());
      d.put("lastError", s.lastError());
    }
    d.put("consecutiveFailures", s.consecutiveFailures());
    d.put("loads", stats.loads());
    d.put("loadFailures", stats.loadFailures());
    d.put("staleServed", stats.staleServed());
    d.put("rotations", stats.rotations());
    return d;
  }
}
