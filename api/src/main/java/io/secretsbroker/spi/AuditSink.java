package io.secretsbroker.spi;

/**
 * Receives the audit trail of a client: reads, loads, refreshes, rotations, refusals, guard
 * findings, provider failures and anomalies, as {@link AuditEvent}s that never carry a value.
 *
 * <p>Sinks are found with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/io.secretsbroker.spi.AuditSink} entry, public no-argument
 * constructor) and set on {@code SecretsClient.Builder.auditSink(...)}. The built-in sink writes
 * {@code key=value} lines to the SLF4J logger {@code io.secretsbroker.audit}; {@code secrets.audit=off}
 * turns it and the discovered sinks off (sinks set on the builder stay on).
 *
 * <p><b>Threads.</b> {@link #record} is called on the thread that did the work (a caller's
 * thread, or the client's executor for background refreshes), possibly from many threads at
 * once: implementations must be thread-safe and fast, and should hand slow I/O to a queue. A sink
 * that throws is logged once and otherwise ignored; it never fails a read.
 *
 * <p><b>Cache hits</b> are the hot path: they are delivered only to sinks whose
 * {@link #wantsHits()} is true, asked once when the client is built. A client with no such sink
 * counts hits in {@code stats()} and builds no event for them.
 */
public interface AuditSink {

  /** Handles one event. Must not block for long and should not throw. */
  void record(AuditEvent event);

  /**
   * Whether this sink wants an {@link AuditEvent.Type#ACCESS_HIT} event for every read served from
   * the cache (default false: one allocation per hit, and usually far too many events).
   */
  default boolean wantsHits() {
    return false;
  }
}
