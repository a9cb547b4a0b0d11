package io.secretsbroker.internal.cache;

import io.secretsbroker.SecretValue;
import io.secretsbroker.Subscription;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One cached answer for a caller's name: a value (with what {@code get} returns precomputed), a
 * remembered not-found, or a failed cold load (dropped at once). Deadlines are ticker nanoseconds.
 *
 * <p>Immutable apart from the refresh bookkeeping, which is touched by one refresher at a time
 * (the {@link #refreshing} flag) and read racily by hits (benign: at worst one extra refresh try).
 */
public class Entry {
  /** {@link #expiresAt} of a failed cold load and of a load in flight: never usable by a hit. */
  static final long NEVER = Long.MIN_VALUE;

  /** The owner of the cached bytes (callers get {@link SecretValue#view() views}); null for a negative entry. */
  public final SecretValue value;
  /**
   * What {@code get()} returns (the value's own String, not a copy); null when it must be computed
   * (binary, JSON field). Cleared when
   * the entry is discarded: Caffeine may still reach a removed entry (a queued removal
   * notification) when a checkpoint is taken, and the text must not be in the snapshot.
   */
  private String text;
  /** The JSON field an alias selects, or null. */
  public final String field;
  /** Not-found (kept for negative-ttl) or a failed cold load (dropped at once); null for a value. */
  public final RuntimeException failure;
  final long loadedAt;
  final long expiresAt;
  volatile long refreshAt;
  final AtomicBoolean refreshing = new AtomicBoolean();
  volatile boolean stale;
  volatile boolean staleReported;
  Subscription redaction; // set once, before the entry is published

  Entry(SecretValue value, String text, String field, RuntimeException failure, long loadedAt,
      long refreshAt, long expiresAt) {
    this.value = value;
    this.text = text;
    this.field = field;
    this.failure = failure;
    this.loadedAt = loadedAt;
    this.refreshAt = refreshAt;
    this.expiresAt = expiresAt;
  }

  /** Whether this is a failed cold load (never cached), as opposed to a remembered not-found. */
  boolean failedLoad() {
    return expiresAt == NEVER && failure != null;
  }

  /** A failed cold load: handed to the callers that joined it, never kept. */
  public static Entry failed(RuntimeException failure) {
    return new Entry(null, null, null, failure, 0, Long.MAX_VALUE, NEVER);
  }

  /** What {@code get()} returns, or null when it must be computed (binary, JSON field). */
  public String text() {
    return text;
  }

  public String versionId() {
    return value == null ? null : value.versionId();
  }

  /** Stops masking this entry's value (idempotent). */
  void release() {
    Subscription r = redaction;
    if (r != null) {
      r.close();
      redaction = null; // the handle holds the value's text; the entry may outlive its removal
    }
  }

  /** Stops masking and zeroes the value (dropping the text): for an entry no reader will use again. */
  void discard() {
    release();
    text = null;
    if (value != null) {
      value.wipe();
    }
  }
}
