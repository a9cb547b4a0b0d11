package io.secretsbroker.spring;

import io.secretsbroker.spi.AuditEvent;
import java.util.Objects;
import org.springframework.context.ApplicationEvent;

/**
 * One entry of the client's audit trail (loads, refreshes, rotations, refusals, provider failures,
 * stale values served, anomalies) published as a Spring {@link ApplicationEvent}, so an
 * {@code @EventListener} can forward it to the application's own audit store. It never carries a
 * value (see {@link AuditEvent}). Cache hits are not published.
 *
 * <p>Events that happen before the application context is refreshed (the config import's initial
 * loads) are not published; they reach the SLF4J audit log ({@code io.secretsbroker.audit}) as
 * usual. Published on the thread that did the work; immutable and thread-safe.
 */
public final class SecretsAuditApplicationEvent extends ApplicationEvent {
  private static final long serialVersionUID = 1L;

  private final transient AuditEvent auditEvent;

  public SecretsAuditApplicationEvent(Object source, AuditEvent auditEvent) {
    super(source);
    this.auditEvent = Objects.requireNonNull(auditEvent, "auditEvent");
  }

  /** The audited fact, without any value. */
  public AuditEvent auditEvent() {
    return auditEvent;
  }

  @Override
  public String toString() {
    return "SecretsAuditApplicationEvent[" + auditEvent.type() + " " + auditEvent.name() + "]";
  }
}
