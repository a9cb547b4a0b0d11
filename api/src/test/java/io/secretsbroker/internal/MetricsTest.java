package io.secretsbroker.internal;

import io.secretsbroker.internal.observe.MetricsSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretNotAllowedException;
import io.secretsbroker.SecretsClient;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private static final String VALUE = "metrics-V4lue-5521";

  private final FakeProvider provider = new FakeProvider();
  private final MutableClock clock = new MutableClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private SecretsClient client(String... keyValues) {
    return TestClients.builder(provider, clock, Runnable::run, keyValues).meterRegistry(registry)
        .property("secrets.allow", "db,other").build();
  }

  @Test
  void reads_countedAndTimed_ageGaugeFollowsClock() {
    provider.set("db", VALUE);
    try (SecretsClient c = client()) {
      c.get("db");
      c.get("db");
      c.get("db");
      assertThatThrownBy(() -> c.get("admin")).isInstanceOf(SecretNotAllowedException.class);
      clock.advance(Duration.ofSeconds(42));

      FunctionCounter hits = registry.get("secrets.events").tags("type", "ACCESS_HIT").functionCounter();
      assertThat(hits.count()).isEqualTo(2.0);
      assertThat(registry.get("secrets.events").tags("type", "ACCESS_MISS", "outcome", "OK").counter().count())
          .isEqualTo(1.0);
      assertThat(registry.get("secrets.events").tags("type", "DENIED", "outcome", "REFUSED").counter().count())
          .isEqualTo(1.0);
      Timer load = registry.get("secrets.latency").tags("type", "LOAD", "name", "db", "outcome", "OK").timer();
      assertThat(load.count()).isEqualTo(1);
      assertThat(registry.get("secrets.value.age").tags("name", "db").gauge().value()).isEqualTo(42.0);
      assertThat(registry.find("secrets.latency").tags("name", "admin").meters())
          .as("refused names never become tags").isEmpty();
      for (Meter m : registry.getMeters()) {
        assertThat(m.getId().toString()).doesNotContain(VALUE);
      }
    }
    assertThat(registry.getMeters()).as("close removes the client's meters").isEmpty();
  }

  @Test
  void metricsOff_registersNothing() {
    provider.set("db", VALUE);
    try (SecretsClient c = client("secrets.metrics", "off")) {
      c.get("db");
    }
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void meterRegistry_notARegistry_refusedAtBuild() {
    assertThatThrownBy(() -> SecretsClient.builder().provider(provider).ambientConfiguration(false)
        .meterRegistry("registry").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("MeterRegistry");
    assertThatThrownBy(() -> SecretsClient.builder().provider(provider).ambientConfiguration(false)
        .property("secrets.metrics", "on").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("global");
  }

  @Test
  void noRegistry_auto_staysOffGlobal_global_publishesToGlobalRegistry() {
    provider.set("db", VALUE);
    SimpleMeterRegistry global = new SimpleMeterRegistry();
    Metrics.addRegistry(global);
    try {
      try (SecretsClient c = TestClients.builder(provider, clock, Runnable::run).build()) {
        c.get("db");
        assertThat(global.find("secrets.events").meters()).isEmpty();
      }
      try (SecretsClient c = TestClients.builder(provider, clock, Runnable::run, "secrets.metrics", "global").build()) {
        c.get("db");
        c.get("db");
        assertThat(global.get("secrets.events").tags("type", "ACCESS_HIT").functionCounter().count()).isEqualTo(1.0);
      }
    } finally {
      Metrics.removeRegistry(global);
    }
  }

  /** The API on a classpath without Micrometer: the client builds and reads, metrics are skipped. */
  @Test
  void withoutMicrometer_clientWorks() throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<URL> urls = new ArrayList<>();
    for (String entry : cp.split(File.pathSeparator)) {
      if (!entry.contains("micrometer")) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    try (URLClassLoader noMicrometer = new URLClassLoader(urls.toArray(URL[]::new),
        ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> noMicrometer.loadClass(MetricsSupport.REGISTRY_CLASS))
          .isInstanceOf(ClassNotFoundException.class);
      Class<?> support = noMicrometer.loadClass(MetricsSupport.class.getName());
      var present = support.getDeclaredMethod("micrometerPresent");
      present.setAccessible(true);
      assertThat(present.invoke(null)).isEqualTo(false);

      Class<?> fake = noMicrometer.loadClass(FakeProvider.class.getName());
      var ctor = fake.getDeclaredConstructor();
      ctor.setAccessible(true);
      Object p = ctor.newInstance();
      var set = fake.getDeclaredMethod("set", String.class, String.class);
      set.setAccessible(true);
      set.invoke(p, "db", VALUE);
      Class<?> clientType = noMicrometer.loadClass(SecretsClient.class.getName());
      Object builder = clientType.getMethod("builder").invoke(null);
      Class<?> builderType = builder.getClass();
      builderType.getMethod("provider", noMicrometer.loadClass("io.secretsbroker.spi.SecretProvider"))
          .invoke(builder, p);
      builderType.getMethod("ambientConfiguration", boolean.class).invoke(builder, false);
      builderType.getMethod("properties", Map.class).invoke(builder, Map.of("secrets.audit", "off"));
      try (AutoCloseable c = (AutoCloseable) builderType.getMethod("build").invoke(builder)) {
        assertThat(clientType.getMethod("get", String.class).invoke(c, "db")).isEqualTo(VALUE);
      }
    }
  }
}
