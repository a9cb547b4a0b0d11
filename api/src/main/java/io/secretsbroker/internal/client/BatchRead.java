package io.secretsbroker.internal.client;

import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.internal.cache.Entry;
import io.secretsbroker.internal.cache.SecretCache;
import io.secretsbroker.internal.observe.ClientEvents;
import io.secretsbroker.internal.resilience.Resilience;
import io.secretsbroker.spi.SecretProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * The batch path of one client: {@code values(names)} and the cache's batch refresh. Cold names
 * of a {@code values} call claim the same single-flight entries {@code get} uses (a cold
 * {@code get} of one of them joins the batch instead of calling the store again), are loaded in
 * one provider batch ({@link BatchLoad}: the store's batch call, or parallel single reads), and
 * the new versions are announced like any reload.
 *
 * <p>Failures: a name outside {@code secrets.allow} or malformed fails the whole call before any
 * provider call; names the store does not have are listed in one {@link SecretNotFoundException};
 * a failed joined load rethrows its error. Thread-safe: state is the cache's.
 */
final class BatchRead {
  private final SecretProvider provider;
  private final Resilience resilience;
  private final SecretCache secrets;
  private final ClientEvents events;
  private final BiFunction<String, String, Names.Target> resolve; // (name, caller): checked and mapped
  private final boolean nativeBatch;
  private final Executor executor;
  private final String providerId;

  BatchRead(SecretProvider provider, boolean nativeBatch, Resilience resilience, SecretCache secrets,
      ClientEvents events, BiFunction<String, String, Names.Target> resolve, Executor executor) {
    this.provider = provider;
    this.nativeBatch = nativeBatch;
    this.resilience = resilience;
    this.secrets = secrets;
    this.events = events;
    this.resolve = resolve;
    this.executor = executor;
    this.providerId = provider.id();
  }

  /** {@code values(names)} of an open client: views of the current values, in the order asked. */
  Map<String, SecretValue> values(Collection<String> requested) {
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
      Names.Target target = resolve.apply(name, caller);
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
    List<String> missing = collect(claims, found, caller);
    if (!missing.isEmpty()) {
      throw new SecretNotFoundException("Secrets not found in " + providerId + ": " + String.join(", ", missing)
          + ". Check the names, secrets.env and secrets.name-template.");
    }
    Map<String, SecretValue> ordered = new LinkedHashMap<>();
    wanted.forEach(n -> ordered.put(n, found.get(n)));
    return ordered;
  }

  /** Waits for each claimed load, puts its view in {@code found}; returns the names not found. */
  private List<String> collect(Map<String, SecretCache.Claim> claims, Map<String, SecretValue> found,
      String caller) {
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
    return missing;
  }

  /**
   * A batch refresh: the names' current versions in one provider batch (the store's own batch call
   * where it has one, else parallel single reads), as fresh entries; not-found becomes a negative
   * entry. Throws when the whole batch failed (the cache then keeps the old entries, stale).
   */
  Map<String, Entry> reload(List<String> batch) {
    Map<String, Names.Target> targets = new LinkedHashMap<>();
    for (String name : batch) {
      targets.put(name, resolve.apply(name, null));
    }
    return BatchLoad.reload(provider, resilience, secrets, events, targets, nativeBatch, executor);
  }
}
