package io.secretsbroker.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One audited fact about a client's use of a secret. It never carries a value: only the caller's
 * name of the secret, the provider, the version id and facts about the call.
 *
 * @param type what happened
 * @param timestamp when it happened, by the client's clock
 * @param name the caller's name of the secret ({@code "db"}); for {@link Type#ANOMALY} the subject
 *     of the anomaly (the name that tipped a burst)
 * @param provider the provider id ({@code aws}, {@code azure}, {@code vault}, ...)
 * @param versionId the version involved, or null when none is known
 * @param outcome how it ended
 * @param latency how long the operation took ({@link Duration#ZERO} for events that are not
 *     operations, such as a rotation seen)
 * @param callerClass the class that called the client, found on misses, denials and writes only
 *     (null for cache hits and background refreshes)
 * @param error the simple class name of the failure (e.g. {@code ProviderUnavailableException}),
 *     or null
 * @param detail a short non-secret explanation (which operation failed, why a name was refused),
 *     or null
 *
 * <p>Immutable and thread-safe.
 */
public record AuditEvent(
    Type type,
    Instant timestamp,
    String name,
    String provider,
    String versionId,
    Outcome outcome,
    Duration latency,
    String callerClass,
    String error,
    String detail) {

  public AuditEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(outcome, "outcome");
    latency = latency == null ? Duration.ZERO : latency;
  }

  /** What happened. */
  public enum Type {
    /** A read answered from the cache. Emitted only to sinks that {@linkplain AuditSink#wantsHits() want hits}. */
    ACCESS_HIT,
    /** A read that found no usable cached value (it waited for a load, or failed). */
    ACCESS_MISS,
    /** A provider read on a cold key. */
    LOAD,
    /** A provider read of a key already cached (background refresh-ahead, or {@code refresh()}). */
    REFRESH,
    /** A reload found a version different from the cached one. */
    ROTATION_SEEN,
    /** {@code rotate()} wrote a new current version (outcome FAILED when verification failed). */
    ROTATION_WRITTEN,
    /** The allowlist ({@code secrets.allow}) refused a name. */
    DENIED,
    /** The runtime guard found a secret where none should be (an environment variable, a property). */
    GUARD_VIOLATION,
    /** A provider call failed (after retries); {@code detail} says which operation. */
    PROVIDER_FAILURE,
    /** A cached value is being served after its refresh failed (once per stale entry). */
    STALE_SERVED,
    /** Unusual use: more distinct names than {@code secrets.anomaly.max-distinct-names-per-minute}. */
    ANOMALY
  }

  /** How an audited operation ended. */
  public enum Outcome {
    OK,
    NOT_FOUND,
    REFUSED,
    FAILED
  }

  /** The event as one {@code key=value} line (no value is ever part of it). */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(128).append("event=").append(type)
        .append(" name=").append(quote(name))
        .append(" provider=").append(provider)
        .append(" outcome=").append(outcome);
    if (versionId != null) {
      sb.append(" version=").append(quote(versionId));
    }
    if (!latency.isZero()) {
      sb.append(" latency_ms=").append(latency.toNanos() / 1_000_000.0);
    }
    if (callerClass != null) {
      sb.append(" caller=").append(callerClass);
    }
    if (error != null) {
      sb.append(" error=").append(error);
    }
    if (detail != null) {
      sb.append(" detail=").append(quote(detail));
    }
    return sb.toString();
  }

  private static String quote(String s) {
    if (s == null) {
      return "-";
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '"' || c == '=' || Character.isISOControl(c)) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
            + '"';
      }
    }
    return s;
  }
}
