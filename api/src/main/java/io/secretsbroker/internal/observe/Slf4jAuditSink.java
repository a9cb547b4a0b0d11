package io.secretsbroker.internal.observe;

import io.secretsbroker.spi.AuditEvent;
import io.secretsbroker.spi.AuditSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link AuditSink}: one {@code key=value} line per event on the SLF4J logger
 * {@value #LOGGER}. Levels: hits TRACE (and hit events are built only when TRACE is on when the
 * client is built), misses and refreshes DEBUG, loads and rotations INFO, refusals, guard
 * violations, provider failures, stale values served and anomalies WARN. Thread-safe.
 */
public final class Slf4jAuditSink implements AuditSink {
  static final String LOGGER = "io.secretsbroker.audit";

  private final Logger log;

  public Slf4jAuditSink() {
    this(LoggerFactory.getLogger(LOGGER));
  }

  public Slf4jAuditSink(Logger log) {
    this.log = log;
  }

  @Override
  public boolean wantsHits() {
    return log.isTraceEnabled();
  }

  @Override
  public void record(AuditEvent e) {
    switch (e.type()) {
      case ACCESS_HIT -> log.trace("{}", e);
      case ACCESS_MISS, REFRESH -> log.debug("{}", e);
      case LOAD, ROTATION_SEEN, ROTATION_WRITTEN -> {
        if (e.outcome() == AuditEvent.Outcome.FAILED) {
          log.warn("{}", e);
        } else {
          log.info("{}", e);
        }
      }
      default -> log.warn("{}", e);
    }
  }
}
