package io.secretsbroker.internal;

import io.secretsbroker.spi.AuditEvent;
import io.secretsbroker.spi.AuditSink;

/** Listed in META-INF/services so discovery can be tested; it ignores every event. */
public final class ServiceLoadedSink implements AuditSink {
  @Override
  public void record(AuditEvent event) {
    // discovery is what is under test; keeping events would grow without bound across tests
  }
}
