package io.secretsbroker.internal.rotate;

import io.secretsbroker.Redactor;
import io.secretsbroker.SecretValue;
import io.secretsbroker.Subscription;
import io.secretsbroker.VersionStage;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The cache behind {@code SecretsClient.value(name, PREVIOUS | PENDING)}: a value is kept for the
 * client's refresh-after, masked by the global {@link Redactor} while it is kept, and dropped when
 * this client rotates or refreshes the name. A stage the store does not have is not cached (the
 * next read asks again). A replaced value is released from masking but not zeroed (a caller may
 * still hold it); {@link #clear()} zeroes everything (close, snapshot).
 *
 * <p>Thread-safe: one concurrent map; two readers of a cold stage may both load it (the last one
 * stays), which costs a provider read, never a wrong value.
 */
public final class StageCache {
  private record Held(SecretValue value, Subscription redaction, long expiresAt) {}

  private final ConcurrentMap<String, Held> held = new ConcurrentHashMap<>();
  private final LongSupplier nanos;
  private final long ttlNanos;

  /**
   * @param nanos the client's monotonic ticker, in nanoseconds
   * @param ttlNanos how long a value is kept
   */
  public StageCache(LongSupplier nanos, long ttlNanos) {
    this.nanos = Objects.requireNonNull(nanos, "nanos");
    this.ttlNanos = ttlNanos;
  }

  /** The cached value of {@code name} in {@code stage}, or what {@code load} returns (then cached). */
  public SecretValue get(String name, VersionStage stage, Supplier<SecretValue> load) {
    String key = key(name, stage);
    long t = nanos.getAsLong();
    Held h = held.get(key);
    if (h != null && t < h.expiresAt() && !h.value().isWiped()) {
      return h.value();
    }
    SecretValue v = load.get();
    Held fresh = new Held(v, Redactor.global().protect(v), t + ttlNanos);
    Held old = held.put(key, fresh);
    if (old != null) {
      old.redaction().close();
    }
    return v;
  }

  /** Forgets every stage of {@code name} (after a rotation or refresh of it). */
  public void invalidate(String name) {
    for (VersionStage s : VersionStage.values()) {
      Held old = held.remove(key(name, s));
      if (old != null) {
        old.redaction().close();
      }
    }
  }

  /** Zeroes and forgets everything. */
  public void clear() {
    held.forEach((k, h) -> {
      if (held.remove(k, h)) {
        h.redaction().close();
        h.value().wipe();
      }
    });
  }

  private static String key(String name, VersionStage stage) {
    return stage.name() + '\u0000' + name;
  }

  @Override
  public String toString() {
    return "StageCache[" + held.size() + " values]";
  }
}
