package io.secretsbroker.internal;

import io.secretsbroker.internal.observe.Audit;
import io.secretsbroker.internal.client.ClientFactory;
import io.secretsbroker.internal.observe.Slf4jAuditSink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.Rotation;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.SecretNotAllowedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.AuditEvent;
import io.secretsbroker.spi.AuditEvent.Outcome;
import io.secretsbroker.spi.AuditEvent.Type;
import io.secretsbroker.spi.AuditSink;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

class AuditTest {
  private static final String V1 = "audit-V4lue-one-7781";
  private static final String V2 = "audit-V4lue-two-7782";

  private final FakeProvider provider = new FakeProvider();
  private final MutableClock clock = new MutableClock();
  private final RecordingSink sink = new RecordingSink(true);
  private SecretsClient client;

  private SecretsClient client(AuditSink s, String... keyValues) {
    client = TestClients.builder(provider, clock, Runnable::run, keyValues).auditSink(s)
        .property("secrets.retry.max-attempts", "1").build();
    return client;
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void everyOperation_emitsItsEventType_andNoEventCarriesAValue() {
    provider.set("db", V1);
    provider.set("api", V1);
    SecretsClient c = client(sink, "secrets.allow", "db,api,missing", "secrets.anomaly.max-distinct-names-per-minute",
        "2");

    c.get("db"); // miss + load
    c.get("db"); // hit
    assertThatThrownBy(() -> c.get("admin")).isInstanceOf(SecretNotAllowedException.class);
    assertThatThrownBy(() -> c.get("missing")).isInstanceOf(SecretNotFoundException.class); // 3rd name: anomaly
    provider.set("db", V2);
    c.refresh("db"); // refresh + rotation seen
    c.rotate("db", Rotation.builder().generator(v -> V2 + "-r").build()); // rotation written
    provider.failAlways(() -> new ProviderUnavailableException("down"));
    clock.advance(Duration.ofMinutes(6));
    c.get("db"); // triggers a failing background refresh: provider failure
    c.get("db"); // stale served
    c.get("db"); // stale again: reported once only
    assertThatThrownBy(() -> c.get("api")).isInstanceOf(ProviderUnavailableException.class); // miss that fails

    Set<Type> seen = EnumSet.noneOf(Type.class);
    sink.events.forEach(e -> seen.add(e.type()));
    assertThat(seen).containsAll(EnumSet.complementOf(EnumSet.of(Type.GUARD_VIOLATION)));

    assertThat(sink.of(Type.LOAD).get(0).versionId()).isEqualTo("1");
    assertThat(sink.last(Type.LOAD).outcome()).isEqualTo(Outcome.NOT_FOUND);
    assertThat(sink.last(Type.REFRESH).outcome()).isEqualTo(Outcome.OK);
    assertThat(sink.last(Type.ROTATION_SEEN).versionId()).isEqualTo("2");
    assertThat(sink.last(Type.ROTATION_WRITTEN).versionId()).isEqualTo("3");
    assertThat(sink.last(Type.DENIED).outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(sink.last(Type.DENIED).name()).isEqualTo("admin");
    assertThat(sink.of(Type.ACCESS_MISS)).anyMatch(e -> e.name().equals("missing") && e.outcome() == Outcome.NOT_FOUND);
    AuditEvent failure = sink.of(Type.PROVIDER_FAILURE).get(0);
    assertThat(failure.error()).isEqualTo("ProviderUnavailableException");
    assertThat(failure.detail()).isEqualTo("refresh");
    assertThat(sink.of(Type.STALE_SERVED)).hasSize(1);
    assertThat(sink.last(Type.ACCESS_MISS).outcome()).isEqualTo(Outcome.FAILED);
    assertThat(sink.last(Type.ANOMALY).detail()).contains("more than 2 distinct");
    for (AuditEvent e : sink.events) {
      assertThat(e.provider()).isEqualTo("fake");
      assertThat(e.toString()).doesNotContain(V1).doesNotContain(V2);
      assertThat(List.of(String.valueOf(e.name()), String.valueOf(e.versionId()), String.valueOf(e.detail()),
          String.valueOf(e.error()), String.valueOf(e.callerClass()))).noneMatch(f -> f.contains("V4lue"));
    }
  }

  @Test
  void coldPaths_recordCallerClass_hitsDoNot() {
    provider.set("db", V1);
    SecretsClient c = client(sink, "secrets.allow", "db");
    c.get("db");
    c.get("db");
    assertThatThrownBy(() -> c.get("nope")).isInstanceOf(SecretNotAllowedException.class);

    assertThat(sink.last(Type.ACCESS_MISS).callerClass()).isEqualTo(AuditTest.class.getName());
    assertThat(sink.last(Type.LOAD).callerClass()).isEqualTo(AuditTest.class.getName());
    assertThat(sink.last(Type.LOAD).latency()).isPositive();
    assertThat(sink.last(Type.DENIED).callerClass()).isEqualTo(AuditTest.class.getName());
    assertThat(sink.last(Type.ACCESS_HIT).callerClass()).isNull();
  }

  @Test
  void sinkNotWantingHits_getsNoHitEvents() {
    provider.set("db", V1);
    RecordingSink quiet = new RecordingSink(false);
    SecretsClient c = client(quiet);
    for (int i = 0; i < 5; i++) {
      c.get("db");
    }
    assertThat(quiet.of(Type.ACCESS_HIT)).isEmpty();
    assertThat(quiet.of(Type.ACCESS_MISS)).hasSize(1);
    assertThat(c.stats().hits()).isEqualTo(4);
  }

  @Test
  void throwingSink_neverFailsARead() {
    provider.set("db", V1);
    SecretsClient c = client(e -> {
      throw new IllegalStateException("sink bug");
    });
    assertThat(c.get("db")).isEqualTo(V1);
    assertThat(c.get("db")).isEqualTo(V1);
  }

  @Test
  void throwingSinkWantingHits_isReportedOnceForMissesAndHitsAlike() {
    provider.set("db", V1);
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream originalErr = System.err;
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      SecretsClient c = client(new AuditSink() {
        @Override
        public void record(AuditEvent e) {
          throw new IllegalStateException("sink bug");
        }

        @Override
        public boolean wantsHits() {
          return true;
        }
      }, "secrets.audit", "off");
      c.get("db"); // miss: the sink throws
      c.get("db"); // hit: the sink throws again
    } finally {
      System.setErr(originalErr);
    }
    String logs = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(logs.split("its failures are ignored from now on", -1)).as(logs).hasSize(2);
  }

  @Test
  void batch_emitsLoadPerName_andFailurePerName() {
    provider.set("a", V1);
    provider.set("b", V2);
    SecretsClient c = client(sink);
    c.values(List.of("a", "b"));
    assertThat(sink.of(Type.LOAD)).extracting(AuditEvent::name).containsExactly("a", "b");
    assertThat(sink.of(Type.ACCESS_MISS)).extracting(AuditEvent::name).containsExactly("a", "b");
    provider.failAlways(() -> new ProviderUnavailableException("down"));
    assertThatThrownBy(() -> c.values(List.of("c", "d"))).isInstanceOf(ProviderUnavailableException.class);
    assertThat(sink.of(Type.PROVIDER_FAILURE)).extracting(AuditEvent::name).containsExactly("c", "d");
  }

  @Test
  void rotate_failedVerification_auditedAsFailedWrite() {
    provider.set("db", V1);
    SecretsClient c = client(sink);
    assertThatThrownBy(() -> c.rotate("db", Rotation.builder().generator(v -> V2).verify(v -> {
      throw new IllegalStateException("rejected");
    }).build())).isInstanceOf(RotationFailedException.class);
    AuditEvent e = sink.last(Type.ROTATION_WRITTEN);
    assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(e.error()).isEqualTo("IllegalStateException");
  }

  @Test
  void burst_reportedOncePerWindow_andAgainInTheNextMinute() {
    SecretsClient c = client(sink, "secrets.anomaly.max-distinct-names-per-minute", "2");
    for (String n : List.of("a", "b", "c", "d", "a")) {
      assertThatThrownBy(() -> c.get(n)).isInstanceOf(SecretNotFoundException.class);
    }
    assertThat(sink.of(Type.ANOMALY)).hasSize(1).first().extracting(AuditEvent::name).isEqualTo("c");
    clock.advance(Duration.ofSeconds(61));
    for (String n : List.of("e", "f", "g")) {
      assertThatThrownBy(() -> c.get(n)).isInstanceOf(SecretNotFoundException.class);
    }
    assertThat(sink.of(Type.ANOMALY)).hasSize(2);
  }

  @Test
  void guardViolation_emitsEventNamingVariableAndRule() {
    Audit audit = new Audit("fake", clock, List.of(sink), 100);
    audit.guardViolation("DB_PASSWORD", "generic-password", true);
    AuditEvent e = sink.last(Type.GUARD_VIOLATION);
    assertThat(e.name()).isEqualTo("DB_PASSWORD");
    assertThat(e.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(e.detail()).contains("generic-password");
  }

  @Test
  void build_secretInSystemProperty_auditedAsGuardViolation_warnStarts_blockRefuses() {
    String value = randomSecret();
    String property = "audit.guard.test.password";
    System.setProperty(property, value);
    try {
      RecordingSink warned = new RecordingSink(false);
      SecretsClient.builder().provider(provider).auditSink(warned).property("secrets.guard", "warn").build().close();
      assertThat(warned.of(Type.GUARD_VIOLATION)).anySatisfy(e -> {
        assertThat(e.name()).isEqualTo("sysprop:" + property);
        assertThat(e.outcome()).isEqualTo(Outcome.OK);
        assertThat(e.detail()).contains("secrets.guard=warn");
      });

      RecordingSink blocked = new RecordingSink(false);
      assertThatThrownBy(() -> SecretsClient.builder().provider(provider).auditSink(blocked)
          .property("secrets.guard", "block").build())
          .isInstanceOf(io.secretsbroker.GuardViolationException.class);
      assertThat(blocked.of(Type.GUARD_VIOLATION))
          .anyMatch(e -> e.name().equals("sysprop:" + property) && e.outcome() == Outcome.REFUSED);
      for (AuditEvent e : warned.events) {
        assertThat(e.toString()).doesNotContain(value);
      }
    } finally {
      System.clearProperty(property);
    }
  }

  @Test
  void build_ambientConfigurationOff_guardSeesNoEnvironment() {
    System.setProperty("audit.guard.off.password", randomSecret());
    try {
      SecretsClient c = client(sink, "secrets.guard", "block");
      assertThat(sink.of(Type.GUARD_VIOLATION)).isEmpty();
      assertThat(c.stats().misses()).isZero();
    } finally {
      System.clearProperty("audit.guard.off.password");
    }
  }

  /** A credential-looking value made up at run time (no such literal in the sources). */
  private static String randomSecret() {
    byte[] random = new byte[15];
    new java.security.SecureRandom().nextBytes(random);
    return "Vb8-" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  @Test
  void auditOff_dropsBuiltInSinks_keepsBuilderSinks() {
    Settings off = Settings.of(Map.of("secrets.audit", "off"));
    SecretsClient.Builder b = SecretsClient.builder().auditSink(sink);
    assertThat(ClientFactory.auditSinks(b, off)).containsExactly(sink);
    assertThat(ClientFactory.auditSinks(b, Settings.of(Map.of())))
        .anyMatch(s -> s instanceof Slf4jAuditSink).contains(sink);
    assertThatThrownBy(() -> ClientFactory.auditSinks(b, Settings.of(Map.of("secrets.audit", "json"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("slf4j");
  }

  @Test
  void serviceLoader_findsDeclaredSink() {
    List<AuditSink> sinks = ClientFactory.auditSinks(SecretsClient.builder(), Settings.of(Map.of()));
    assertThat(sinks).anyMatch(s -> s instanceof ServiceLoadedSink);
  }

  @Test
  void slf4jSink_wantsHitsOnlyWhenTraceIsOn() {
    assertThat(new Slf4jAuditSink(NOPLogger.NOP_LOGGER).wantsHits()).isFalse();
  }

  @Test
  void eventToString_isKeyValue_andQuotesUnsafeText() {
    AuditEvent e = new AuditEvent(Type.DENIED, clock.instant(), "a b", "aws", null, Outcome.REFUSED,
        Duration.ZERO, "com.acme.Handler", "SecretNotAllowedException", "not in \"allow\"");
    assertThat(e.toString()).isEqualTo("event=DENIED name=\"a b\" provider=aws outcome=REFUSED"
        + " caller=com.acme.Handler error=SecretNotAllowedException detail=\"not in \\\"allow\\\"\"");
  }
}
