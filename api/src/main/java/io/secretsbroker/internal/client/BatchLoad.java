package io.secretsbroker.internal.client;

import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.internal.cache.Entry;
import io.secretsbroker.internal.cache.SecretCache;
import io.secretsbroker.internal.observe.CacheEvents;
import io.secretsbroker.internal.observe.CacheEvents.Kind;
import io.secretsbroker.internal.resilience.Resilience;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One provider batch for the names a {@code values()} call has claimed in the cache: the store's
 * own batch call ({@link SecretProvider#fetchAll}) when the driver has one, else parallel single
 * reads ({@link ParallelFetch}). Completes every claimed future (value, not-found, or the batch's failure)
 * so no reader that joined waits forever, then rethrows a failure. Stateless.
 */
final class BatchLoad {
  private BatchLoad() {}

  static void run(SecretProvider provider, Resilience resilience, SecretCache cache, CacheEvents events,
      Map<String, Names.Target> owned, Map<String, SecretCache.Claim> claims, String caller, boolean nativeBatch,
      java.util.concurrent.Executor executor) {
    Set<String> providerNames = new LinkedHashSet<>();
    owned.values().forEach(t -> providerNames.add(t.providerName()));
    Map<String, SecretRecord> records;
    long start = System.nanoTime();
    try {
      records = resilience.read(() -> nativeBatch || providerNames.size() == 1
          ? provider.fetchAll(providerNames)
          : ParallelFetch.fetchAll(provider, providerNames, executor));
    } catch (RuntimeException ex) {
      owned.keySet().forEach(name -> cache.fail(name, claims.get(name).future(), ex));
      events.batchFailed(owned.keySet(), System.nanoTime() - start, caller, ex);
      throw ex;
    }
    long took = System.nanoTime() - start;
    double draw = SecretCache.jitterDraw(); // one for the batch: its entries fall due together
    try {
      for (Map.Entry<String, Names.Target> c : owned.entrySet()) {
        complete(c.getKey(), c.getValue(), records.get(c.getValue().providerName()), claims.get(c.getKey()).future(),
            cache, events, took, caller, provider.id(), draw);
      }
    } catch (RuntimeException ex) {
      owned.keySet().forEach(name -> {
        CompletableFuture<Entry> f = claims.get(name).future();
        if (!f.isDone()) {
          cache.fail(name, f, ex);
        }
      });
      throw ex;
    } finally {
      // the entries hold copies; the provider's arrays are ours to zero
      records.values().forEach(r -> Arrays.fill(r.value(), (byte) 0));
    }
  }

  /**
   * A batch refresh of cached names: their current versions in one provider batch, as fresh
   * entries (not-found becomes a negative entry). Throws when the whole batch failed, after
   * auditing it; the provider's arrays are zeroed either way.
   */
  static Map<String, Entry> reload(SecretProvider provider, Resilience resilience, SecretCache cache,
      CacheEvents events, Map<String, Names.Target> targets, boolean nativeBatch,
      java.util.concurrent.Executor executor) {
    Set<String> providerNames = new LinkedHashSet<>();
    targets.values().forEach(t -> providerNames.add(t.providerName()));
    long start = System.nanoTime();
    Map<String, SecretRecord> records;
    try {
      records = resilience.read(() -> nativeBatch || providerNames.size() == 1
          ? provider.fetchAll(providerNames)
          : ParallelFetch.fetchAll(provider, providerNames, executor));
    } catch (RuntimeException ex) {
      events.batchFailed(targets.keySet(), System.nanoTime() - start, null, ex);
      throw ex;
    }
    long took = System.nanoTime() - start;
    double draw = SecretCache.jitterDraw(); // one for the batch: it stays one batch
    Map<String, Entry> fresh = new java.util.LinkedHashMap<>();
    try {
      for (Map.Entry<String, Names.Target> t : targets.entrySet()) {
        SecretRecord r = records.get(t.getValue().providerName());
        if (r == null) {
          events.notFound(Kind.REFRESH, t.getKey(), took, null, "batch");
          fresh.put(t.getKey(), cache.notFound(notFound(t.getKey(), provider.id())));
        } else {
          events.loaded(Kind.REFRESH, t.getKey(), r.versionId(), took, null, "batch");
          fresh.put(t.getKey(), cache.entryFor(t.getKey(), t.getValue().field(), copy(r), draw));
        }
      }
    } finally {
      records.values().forEach(r -> Arrays.fill(r.value(), (byte) 0));
    }
    return fresh;
  }

  private static SecretNotFoundException notFound(String name, String providerId) {
    return new SecretNotFoundException("Secret '" + name + "' not found in " + providerId
        + ". Check the name, secrets.env and secrets.name-template.");
  }

  /** Each caller name gets its own copy: entries wipe their bytes independently. */
  private static SecretRecord copy(SecretRecord r) {
    return new SecretRecord(r.name(), r.versionId(), r.value().clone(), r.createdOn(), r.expiresOn(), r.metadata());
  }

  private static void complete(String name, Names.Target target, SecretRecord r, CompletableFuture<Entry> f,
      SecretCache cache, CacheEvents events, long took, String caller, String providerId, double draw) {
    if (r == null) {
      events.notFound(Kind.LOAD, name, took, caller, "batch");
      events.coldRead(name, null, null, true, took, caller, "batch");
      f.complete(cache.notFound(notFound(name, providerId)));
      return;
    }
    events.loaded(Kind.LOAD, name, r.versionId(), took, caller, "batch");
    events.coldRead(name, r.versionId(), null, false, took, caller, "batch");
    f.complete(cache.entryFor(name, target.field(), copy(r), draw));
  }
}
