package io.secretsbroker.internal.cache;

import java.util.concurrent.CompletableFuture;

/**
 * The map's placeholder for a cold load in flight (single flight): every reader of the name joins
 * {@link #future}; a hit never uses it ({@link Entry#NEVER} expiry). Completing the future
 * installs the result in place of this placeholder first (compare-and-set, so a concurrent
 * refresh, rotate or wipe wins), then wakes the joiners; a failed load removes the placeholder.
 *
 * <p>Thread-safe; exactly one caller (the claim's owner) completes it.
 */
final class Loading extends Entry {
  final Pending future;

  Loading(SecretCache cache, String name) {
    super(null, null, null, null, 0, Long.MAX_VALUE, NEVER);
    this.future = new Pending(cache, name, this);
  }

  /** A load's future that installs its result into the cache before anyone sees it. */
  static final class Pending extends CompletableFuture<Entry> {
    private final SecretCache cache;
    private final String name;
    private final Loading placeholder;

    Pending(SecretCache cache, String name, Loading placeholder) {
      this.cache = cache;
      this.name = name;
      this.placeholder = placeholder;
    }

    @Override
    public boolean complete(Entry result) {
      if (isDone()) {
        return false;
      }
      cache.settle(name, placeholder, result);
      return super.complete(result);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      throw new UnsupportedOperationException("a load's future completes with an Entry holding its failure");
    }
  }
}
