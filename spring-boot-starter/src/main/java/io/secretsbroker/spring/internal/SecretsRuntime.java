package io.secretsbroker.spring.internal;

import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.AuditEvent;
import io.secretsbroker.spi.AuditSink;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.util.ClassUtils;

/**
 * The one client of an application and what the starter attaches to it, made before the
 * application context exists (by the config import, or by {@link SecretsContextInitializer}) and
 * registered in the context as the singleton {@value #BEAN_NAME}, closed with it.
 *
 * <p>The client is built with ambient configuration on (so the runtime guard inspects the real
 * process environment before any provider is opened, exactly as for plain applications), with
 * Spring's {@code secrets.*} properties as its explicit properties. Because the context's
 * {@code MeterRegistry} and event publisher do not exist yet, the client gets a Micrometer
 * {@code CompositeMeterRegistry} that the auto-configuration later joins to the context's registry
 * (meters made before are carried over), and an audit sink that forwards to a listener attached
 * later (events before that are only in the SLF4J audit log).
 *
 * <p>Thread-safe: the listener is a volatile reference, the tracked names a concurrent set.
 */
public final class SecretsRuntime implements DisposableBean {
  private static final Logger LOG = LoggerFactory.getLogger(SecretsRuntime.class);

  /** The singleton name in the application context. */
  public static final String BEAN_NAME = "secretsBrokerRuntime";

  private static final boolean MICROMETER = ClassUtils.isPresent("io.micrometer.core.instrument.MeterRegistry",
      SecretsRuntime.class.getClassLoader());

  private final SecretsClient client;
  private final Map<String, String> settings;
  private final HealthTracker health;
  private final Object compositeRegistry;
  private final Set<String> trackedNames = ConcurrentHashMap.newKeySet();
  private volatile Consumer<AuditEvent> listener;

  private SecretsRuntime(SecretsClient client, Map<String, String> settings, HealthTracker health,
                         Object compositeRegistry) {
    this.client = client;
    this.settings = settings;
    this.health = health;
    this.compositeRegistry = compositeRegistry;
  }

  /**
   * Runs the guard, builds the client from {@code settings} ({@code secrets.*} keys from Spring).
   *
   * @throws io.secretsbroker.ConfigurationException on an unknown key or invalid value
   * @throws io.secretsbroker.GuardViolationException when the guard blocks
   */
  public static SecretsRuntime create(Map<String, String> settings) {
    Objects.requireNonNull(settings, "settings");
    HealthTracker health = new HealthTracker();
    SecretsRuntime[] self = new SecretsRuntime[1];
    AuditSink forward = event -> {
      SecretsRuntime rt = self[0];
      Consumer<AuditEvent> l = rt == null ? null : rt.listener;
      if (l != null) {
        l.accept(event);
      }
    };
    SecretsClient.Builder builder = SecretsClient.builder().properties(settings).auditSink(health).auditSink(forward);
    Object composite = MICROMETER ? Micrometer.newComposite() : null;
    if (composite != null) {
      builder.meterRegistry(composite);
    }
    SecretsClient client = builder.build();
    self[0] = new SecretsRuntime(client, Map.copyOf(settings), health, composite);
    return self[0];
  }

  /**
   * Registers this runtime in the bean factory (once) and closes it with the context.
   */
  public void registerIn(ConfigurableListableBeanFactory beanFactory) {
    if (beanFactory.containsSingleton(BEAN_NAME)) {
      return;
    }
    beanFactory.registerSingleton(BEAN_NAME, this);
    if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
      registry.registerDisposableBean(BEAN_NAME, this);
    }
  }

  public SecretsClient client() {
    return client;
  }

  /** The {@code secrets.*} properties the client was built with (configuration holds no secrets). */
  public Map<String, String> settings() {
    return java.util.Collections.unmodifiableMap(settings);
  }

  public HealthTracker health() {
    return health;
  }

  /** The {@code CompositeMeterRegistry} the client publishes to, or null without Micrometer. */
  public Object compositeRegistry() {
    return compositeRegistry;
  }

  /** Names resolved through {@code ${secrets.*}} placeholders, read by the watcher. */
  public Set<String> trackedNames() {
    return trackedNames;
  }

  /** Attaches the receiver of the client's audit events (the auto-configuration's bridge). */
  public void listener(Consumer<AuditEvent> listener) {
    this.listener = listener;
  }

  @Override
  public void destroy() {
    listener = null;
    try {
      client.close();
    } catch (RuntimeException e) {
      LOG.warn("Closing the secrets client failed: {}", e.getClass().getSimpleName());
    }
  }

  /** Micrometer types, loaded only when Micrometer is on the classpath. */
  private static final class Micrometer {
    static Object newComposite() {
      return new io.micrometer.core.instrument.composite.CompositeMeterRegistry();
    }
  }
}
