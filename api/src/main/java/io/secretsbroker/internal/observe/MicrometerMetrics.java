package io.secretsbroker.internal.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.AuditEvent;
import io.secretsbroker.spi.AuditSink;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Audit events as Micrometer meters. This is the only class that links against Micrometer; the
 * client reaches it through {@link MetricsSupport}, which checks that Micrometer is on the
 * classpath first, so the API works without it.
 *
 * <p>Meters (all tagged {@code provider}):
 * <ul>
 *   <li>{@code secrets.events} counter, tags {@code type}, {@code outcome}: one per audit event;
 *       {@code ACCESS_HIT} and {@code STALE_SERVED} are function counters over the client's own
 *       counters, so the hot path does no metrics work at all.
 *   <li>{@code secrets.latency} timer, tags {@code type}, {@code name}, {@code outcome}: misses,
 *       loads, refreshes, rotations written and provider failures. Refused names are never used as
 *       a tag (a caller could make up unbounded names).
 *   <li>{@code secrets.value.age} gauge, tag {@code name}, seconds since the cached value was
 *       loaded (NaN when not cached).
 * </ul>
 * Closing removes every meter it registered. Thread-safe.
 */
final class MicrometerMetrics implements AuditSink, AutoCloseable {
  private final MeterRegistry registry;
  private final String provider;
  private final Set<Meter> meters = ConcurrentHashMap.newKeySet();
  private final Set<String> gauged = ConcurrentHashMap.newKeySet();
  private volatile CacheView view;

  MicrometerMetrics(Object registry, String provider) {
    if (registry == null) {
      this.registry = Metrics.globalRegistry;
    } else if (registry instanceof MeterRegistry r) {
      this.registry = r;
    } else {
      throw new ConfigurationException("SecretsClient.Builder.meterRegistry(...) needs an"
          + " io.micrometer.core.instrument.MeterRegistry, not a " + registry.getClass().getName() + ".");
    }
    this.provider = provider;
  }

  /** Binds the function counters to the client's own counters. Call once, after the client exists. */
  void bind(CacheView cacheView) {
    this.view = cacheView;
    meters.add(FunctionCounter.builder("secrets.events", cacheView, CacheView::hitCount)
        .tags("provider", provider, "type", "ACCESS_HIT", "outcome", "OK")
        .description("Audit events of Secrets Broker clients").register(registry));
    meters.add(FunctionCounter.builder("secrets.events", cacheView, CacheView::staleServedCount)
        .tags("provider", provider, "type", "STALE_SERVED", "outcome", "OK")
        .description("Audit events of Secrets Broker clients").register(registry));
  }

  @Override
  public void record(AuditEvent e) {
    AuditEvent.Type type = e.type();
    if (type == AuditEvent.Type.ACCESS_HIT || type == AuditEvent.Type.STALE_SERVED) {
      return; // function counters above
    }
    Counter c = Counter.builder("secrets.events")
        .tags("provider", provider, "type", type.name(), "outcome", e.outcome().name())
        .description("Audit events of Secrets Broker clients").register(registry);
    track(c);
    switch (type) {
      case ACCESS_MISS, LOAD, REFRESH, ROTATION_WRITTEN, PROVIDER_FAILURE -> {
        Timer t = Timer.builder("secrets.latency")
            .tags("provider", provider, "type", type.name(), "name", e.name(), "outcome", e.outcome().name())
            .description("Latency of Secrets Broker operations").register(registry);
        track(t);
        t.record(e.latency());
      }
      default -> { }
    }
    if ((type == AuditEvent.Type.LOAD || type == AuditEvent.Type.REFRESH) && e.outcome() == AuditEvent.Outcome.OK
        && view != null && gauged.add(e.name())) {
      String name = e.name();
      CacheView v = view;
      track(Gauge.builder("secrets.value.age", v, cv -> cv.ageSeconds(name))
          .tags("provider", provider, "name", name).baseUnit("seconds")
          .description("Age of the cached value of a secret").register(registry));
    }
    c.increment();
  }

  private void track(Meter m) {
    meters.add(m);
  }

  @Override
  public void close() {
    for (Meter m : meters) {
      registry.remove(m);
    }
    meters.clear();
    gauged.clear();
  }
}
