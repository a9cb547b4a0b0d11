package io.secretsbroker.spring.internal;

import io.secretsbroker.spi.AuditEvent;
import io.secretsbroker.spi.AuditSink;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows the client's audit trail to tell the health indicator whether the provider answered its
 * last call: the last successful load or refresh, the last provider failure (its error type and
 * the operation, never a value) and the provider failures since the last success (the API does
 * not expose its circuit breaker; repeated failures are what open it). Lock-free; thread-safe.
 */
public final class HealthTracker implements AuditSink {

  /** The outcome of the most recent provider call. */
  public record Snapshot(Instant lastSuccess, Instant lastFailure, String lastError, boolean lastCallFailed,
                         long consecutiveFailures) {}

  private final AtomicReference<Snapshot> state = new AtomicReference<>(new Snapshot(null, null, null, false, 0));

  @Override
  public void record(AuditEvent event) {
    switch (event.type()) {
      case LOAD, REFRESH -> {
        if (event.outcome() == AuditEvent.Outcome.OK || event.outcome() == AuditEvent.Outcome.NOT_FOUND) {
          state.updateAndGet(s -> new Snapshot(event.timestamp(), s.lastFailure(), s.lastError(), false, 0));
        }
      }
      case PROVIDER_FAILURE -> state.updateAndGet(s -> new Snapshot(s.lastSuccess(), event.timestamp(),
          event.error() == null ? "unknown" : event.error(), true, s.consecutiveFailures() + 1));
      default -> { }
    }
  }

  public Snapshot snapshot() {
    return state.get();
  }
}
