package io.secretsbroker.internal.observe;

import io.secretsbroker.internal.Settings;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.AuditSink;

/**
 * Decides whether a client gets Micrometer metrics, without linking against Micrometer: it checks
 * that {@code io.micrometer.core.instrument.MeterRegistry} is loadable before touching
 * {@link MicrometerMetrics}. {@code secrets.metrics=auto} (default) uses the registry given to the
 * builder, else Micrometer's global registry when Micrometer is present; {@code off} disables them.
 */
public final class MetricsSupport {
  public static final String REGISTRY_CLASS = "io.micrometer.core.instrument.MeterRegistry";

  private MetricsSupport() {}

  static boolean micrometerPresent() {
    try {
      Class.forName(REGISTRY_CLASS, false, MetricsSupport.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The metrics sink for a client, or null when metrics are off or Micrometer is absent. */
  public static AuditSink create(Settings settings, Object registry, String providerId) {
    String mode = settings.get(Settings.METRICS, "auto");
    if (!mode.equals("auto") && !mode.equals("global") && !mode.equals("off")) {
      throw new ConfigurationException(Settings.METRICS + "=" + mode + " is not supported; use auto (the builder's"
          + " meter registry), global (else Micrometer's global registry) or off.");
    }
    if (mode.equals("off") || (registry == null && mode.equals("auto"))) {
      return null; // no Micrometer class is touched
    }
    boolean present = micrometerPresent();
    if (registry != null && !present) {
      throw new ConfigurationException("SecretsClient.Builder.meterRegistry(...) was given a "
          + registry.getClass().getName() + " but Micrometer (io.micrometer:micrometer-core) is not on the classpath.");
    }
    if (!present) {
      return null;
    }
    return new MicrometerMetrics(registry, providerId);
  }

  /** Binds the sink's function counters once the client exists. */
  public static void bind(AuditSink sink, CacheView view) {
    ((MicrometerMetrics) sink).bind(view);
  }
}
