package io.secretsbroker.internal.client;

import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Batch parallelism, owned by the portable layer: for a provider whose store has no batch call
 * (it does not override {@link SecretProvider#fetchAll}), one {@code fetch} per name, at most
 * {@link #MAX_PARALLEL} at once, on the client's executor and the calling thread.
 *
 * <p>The caller is one of the workers and drains whatever no pool thread has started, so a batch
 * never waits for an executor that is busy (or is the one running the caller, as in a listener):
 * it cannot deadlock. Stateless; thread-safe.
 */
final class ParallelFetch {
  /** The most fetches in flight for one batch. */
  static final int MAX_PARALLEL = 8;

  private ParallelFetch() {}

  /** Whether the provider's store answers a batch in one call (it overrides {@code fetchAll}). */
  static boolean nativeBatch(SecretProvider provider) {
    try {
      return provider.getClass().getMethod("fetchAll", Set.class).getDeclaringClass() != SecretProvider.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /**
   * Fetches every name; a not-found name is left out (as {@code fetchAll} does). The first other
   * failure is thrown once every started fetch has finished (their arrays are then zeroed).
   */
  static Map<String, SecretRecord> fetchAll(SecretProvider provider, Set<String> names, Executor executor) {
    ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(names);
    Map<String, CompletableFuture<SecretRecord>> results = new LinkedHashMap<>();
    names.forEach(n -> results.put(n, new CompletableFuture<>()));
    Runnable worker = () -> {
      for (String name; (name = queue.poll()) != null; ) {
        CompletableFuture<SecretRecord> out = results.get(name);
        try {
          out.complete(provider.fetch(name));
        } catch (SecretNotFoundException nf) {
          out.complete(null);
        } catch (RuntimeException | Error ex) {
          out.completeExceptionally(ex);
        }
      }
    };
    int helpers = Math.min(names.size(), MAX_PARALLEL) - 1;
    for (int i = 0; i < helpers; i++) {
      try {
        executor.execute(worker);
      } catch (RejectedExecutionException busy) {
        break; // the caller does the rest
      }
    }
    worker.run();
    Map<String, SecretRecord> found = new LinkedHashMap<>();
    List<RuntimeException> failures = new ArrayList<>();
    for (Map.Entry<String, CompletableFuture<SecretRecord>> r : results.entrySet()) {
      try {
        SecretRecord record = r.getValue().join();
        if (record != null) {
          found.put(r.getKey(), record);
        }
      } catch (java.util.concurrent.CompletionException ex) {
        failures.add(ex.getCause() instanceof RuntimeException re ? re : ex);
      }
    }
    if (!failures.isEmpty()) {
      found.values().forEach(rec -> java.util.Arrays.fill(rec.value(), (byte) 0));
      throw failures.get(0);
    }
    return found;
  }
}
