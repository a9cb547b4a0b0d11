package io.secretsbroker.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.AuditEvent;
import io.secretsbroker.spring.SecretRotatedEvent;
import io.secretsbroker.spring.internal.SecretsRuntime;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;

/**
 * spring.config.import=secretsbroker: on memory://: placeholders, JSON fields, defaults, relaxed
 * binding, rotation rebinding a @ConfigurationProperties bean, events, health and metrics.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TestApp.class, properties = {
    "spring.config.import=secretsbroker:",
    "secrets.provider=memory://spring-import",
    "secrets.allow=db,api-key,stripe/*",
    "secrets.cache.refreshAfter=10m", // relaxed binding of secrets.cache.refresh-after
    "secrets.watch.interval=off",
    "app.db.username=${secrets.db.username}",
    "app.db.password=${secrets.db.password}",
    "app.db.token=${secrets.api-key}",
    "app.db.missing=${secrets.db.missing:fallback}"})
class ConfigImportTest {
  static final String PW1 = "pw-one-7f3a"; // secrets-guard:allow test sentinel the no-leak assertions look for
  static final String PW2 = "pw-two-9c1e"; // secrets-guard:allow test sentinel the no-leak assertions look for
  static final String TOKEN = "tok-5d2b"; // secrets-guard:allow test sentinel
  static final InMemorySecretProvider STORE = InMemorySecretProvider.named("spring-import");

  static {
    STORE.seed("db", "{\"username\":\"app\",\"password\":\"" + PW1 + "\"}");
    STORE.seed("api-key", TOKEN);
    STORE.seed("stripe/live", "sk-stripe-sentinel");
  }

  @Autowired ApplicationContext context;
  @Autowired Environment environment;
  @Autowired TestApp.DbProperties props;
  @Autowired TestApp.ValueHolder valueHolder;
  @Autowired TestApp.Events events;
  @Autowired SecretsClient client;
  @Autowired SecretsRuntime runtime;
  @Autowired MeterRegistry meterRegistry;

  @AfterEach
  void clearFaults() {
    STORE.clearFaults();
  }

  @Test
  void placeholders_resolveValuesJsonFieldsAndDefaults() {
    assertThat(props.getUsername()).isEqualTo("app");
    assertThat(props.getToken()).isEqualTo(TOKEN);
    assertThat(props.getMissing()).isEqualTo("fallback");
    assertThat(environment.getProperty("secrets.stripe/live")).isEqualTo("sk-stripe-sentinel");
    assertThat(environment.getProperty("secrets.not-allowed")).isNull();
    assertThat(environment.resolvePlaceholders("${secrets.nope:dflt}")).isEqualTo("dflt");
    // configuration keys are never looked up as secrets
    assertThat(environment.getProperty("secrets.provider")).isEqualTo("memory://spring-import");
  }

  @Test
  void settings_boundWithRelaxedBinding() {
    assertThat(runtime.settings()).containsEntry("secrets.cache.refresh-after", "10m")
        .containsEntry("secrets.allow", "db,api-key,stripe/*");
  }

  @Test
  void secretsClientBean_isTheImportsClient() {
    assertThat(client).isSameAs(runtime.client());
    assertThat(client.get("api-key")).isEqualTo(TOKEN);
  }

  @Test
  void rotation_rebindsConfigurationPropertiesBean_andPublishesEvent(CapturedOutput output) throws Exception {
    events.props = props;
    events.rotation = new CountDownLatch(1);
    String before = valueHolder.password();
    assertThat(props.getPassword()).isEqualTo(before);
    String oldPassword = props.getPassword();

    STORE.seed("db", "{\"username\":\"app\",\"password\":\"" + PW2 + "\"}");
    client.refresh("db");

    assertThat(events.rotation.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(props.getPassword()).isEqualTo(PW2).isNotEqualTo(oldPassword);
    assertThat(events.passwordSeenByListener).as("rebound before the event").isEqualTo(PW2);
    assertThat(environment.getProperty("secrets.db.password")).isEqualTo(PW2);
    // @Value is fixed at start-up
    assertThat(valueHolder.password()).isEqualTo(before);

    SecretRotatedEvent e = events.rotated.get(events.rotated.size() - 1);
    assertThat(e.name()).isEqualTo("db");
    assertThat(e.versionId()).isEqualTo(STORE.currentVersion("db").orElseThrow());
    assertThat(e.toString()).doesNotContain(PW1).doesNotContain(PW2);
    assertThat(events.audit).anySatisfy(a -> assertThat(a.auditEvent().type()).isEqualTo(AuditEvent.Type.ROTATION_SEEN));
    assertThat(output.getAll()).doesNotContain(PW1).doesNotContain(PW2).doesNotContain(TOKEN);
  }

  @Test
  void health_upThenDownWhenProviderFails_neverAValue() {
    Health up = Health.of(context);
    assertThat(up.status()).isEqualTo("UP");
    assertThat(up.details()).containsEntry("provider", "memory").containsEntry("providerReachable", true);

    STORE.failAlways(() -> new ProviderUnavailableException("store down (test)"));
    assertThatThrownBy(() -> client.refresh("api-key")).isInstanceOf(ProviderUnavailableException.class);
    Health down = Health.of(context);
    assertThat(down.status()).isEqualTo("DOWN");
    assertThat(down.details()).containsEntry("providerReachable", false)
        .containsEntry("lastError", "ProviderUnavailableException").containsEntry("consecutiveFailures", 1L);
    assertThat(down.details().toString()).doesNotContain(TOKEN).doesNotContain(PW1).doesNotContain(PW2);
    assertThat(client.get("api-key")).as("cached value still served").isEqualTo(TOKEN);

    STORE.clearFaults();
    client.refresh("api-key");
    Health again = Health.of(context);
    assertThat(again.status()).isEqualTo("UP");
    assertThat(again.details()).containsEntry("consecutiveFailures", 0L);
  }

  @Test
  void metrics_reachTheContextsMeterRegistry() {
    client.get("api-key");
    client.refresh("api-key");
    assertThat(meterRegistry.find("secrets.events").meters()).isNotEmpty();
    assertThat(meterRegistry.getMeters().toString()).doesNotContain(TOKEN);
  }
}
