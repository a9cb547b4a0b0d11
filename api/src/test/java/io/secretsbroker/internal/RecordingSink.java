package io.secretsbroker.internal;

import io.secretsbroker.spi.AuditEvent;
import io.secretsbroker.spi.AuditSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** An audit sink that keeps every event, for tests. */
final class RecordingSink implements AuditSink {
  final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final boolean hits;

  RecordingSink(boolean hits) {
    this.hits = hits;
  }

  @Override
  public void record(AuditEvent event) {
    events.add(event);
  }

  @Override
  public boolean wantsHits() {
    return hits;
  }

  List<AuditEvent> of(AuditEvent.Type type) {
    return events.stream().filter(e -> e.type() == type).collect(Collectors.toList());
  }

  AuditEvent last(AuditEvent.Type type) {
    List<AuditEvent> l = of(type);
    if (l.isEmpty()) {
      throw new AssertionError("no " + type + " event among " + events);
    }
    return l.get(l.size() - 1);
  }
}
