package io.secretsbroker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.ClientClosedException;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.InvalidSecretNameException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.Rotation;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.SecretFormatException;
import io.secretsbroker.SecretNotAllowedException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.AuditEvent;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretRecord;
import java.security.cert.CertPathBuilderException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 10 §2 and §3: no value leaks through messages or audit lines, and every error is typed. */
class ErrorsAndLeaksTest {
  private static final Executor DIRECT = Runnable::run;
  private static final String VALUE = "Qz7-live-value-not-a-name-31"; // secrets-guard:allow test fixture

  private final FakeProvider provider = new FakeProvider();
  private final MutableClock clock = new MutableClock();
  private final RecordingSink sink = new RecordingSink(false);
  private SecretsClient client;

  private SecretsClient client(String... keyValues) {
    client = TestClients.builder(provider, clock, DIRECT, keyValues).auditSink(sink).build();
    return client;
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void get_valuePassedAsName_isNotEchoedInMessageOrAudit() {
    provider.set("db", VALUE);
    SecretsClient c = client("secrets.allow", "db");
    c.get("db"); // the value is now live

    Throwable refused = catchThrowable(() -> c.get(VALUE));

    assertThat(refused).isInstanceOf(SecretNotAllowedException.class);
    assertThat(refused.getMessage()).doesNotContain(VALUE).contains("****");
    assertThat(sink.last(AuditEvent.Type.DENIED).name()).doesNotContain(VALUE);
    assertThat(sink.events.toString()).doesNotContain(VALUE);
  }

  @Test
  void providerErrorText_echoingALiveValue_isRedacted() {
    provider.set("db", VALUE);
    provider.set("other", "x");
    SecretsClient c = client("secrets.retry.max-attempts", "1");
    c.get("db");
    provider.failNext(1, () -> new ProviderUnavailableException("backend rejected credential " + VALUE));

    Throwable failed = catchThrowable(() -> c.get("other"));

    assertThat(failed).isInstanceOf(ProviderUnavailableException.class);
    assertThat(failed.getMessage()).doesNotContain(VALUE).contains("backend rejected credential ****");
  }

  @Test
  void names_withFormatCharacters_areRefusedBeforeAnyCall() {
    provider.set("db", "v");
    SecretsClient c = client();
    for (String name : List.of("db\u200B", "\u202Edb", "d\uFEFFb", "db\u0007", "db" + new String(Character.toChars(0xE0001)))) {
      assertThatThrownBy(() -> c.get(name)).as(name).isInstanceOf(InvalidSecretNameException.class)
          .hasMessageContaining("U+");
    }
    assertThatThrownBy(() -> c.get("a//b")).isInstanceOf(InvalidSecretNameException.class);
    assertThatThrownBy(() -> c.get("x".repeat(600))).isInstanceOf(InvalidSecretNameException.class)
        .message().doesNotContain("xxxx");
    assertThat(provider.fetches).hasValue(0);
  }

  @Test
  void nullArguments_throwNpeNamingTheParameter() {
    SecretsClient c = client();
    assertThatThrownBy(() -> c.get(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
    assertThatThrownBy(() -> c.value(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
    assertThatThrownBy(() -> c.values(null)).isInstanceOf(NullPointerException.class).hasMessage("names");
    assertThatThrownBy(() -> c.values(Arrays.asList("db", null))).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("names");
    assertThatThrownBy(() -> c.refresh(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
    assertThatThrownBy(() -> c.onRotate(null, v -> { })).isInstanceOf(NullPointerException.class)
        .hasMessage("name");
    assertThatThrownBy(() -> c.onRotate("db", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("listener");
  }

  @Test
  void afterClose_everyEntryPointThrowsClientClosed() {
    provider.set("db", "v1-value");
    SecretsClient c = client();
    c.close();
    assertThatThrownBy(() -> c.get("db")).isInstanceOf(ClientClosedException.class);
    assertThatThrownBy(() -> c.values(List.of("db"))).isInstanceOf(ClientClosedException.class);
    assertThatThrownBy(() -> c.refresh("db")).isInstanceOf(ClientClosedException.class);
    assertThatThrownBy(() -> c.onRotate("db", v -> { })).isInstanceOf(ClientClosedException.class);
  }

  @Test
  void onRotate_nameOutsideAllowlist_isRefused() {
    SecretsClient c = client("secrets.allow", "db");
    assertThatThrownBy(() -> c.onRotate("admin", v -> { })).isInstanceOf(SecretNotAllowedException.class);
    c.onRotate("db", v -> { }); // allowed
  }

  @Test
  void allowEntryWithDotDot_failsAtStartUp() {
    assertThatThrownBy(() -> client("secrets.allow", "db,../prod/db")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("secrets.allow").hasMessageContaining("..");
  }

  @Test
  void fields_ofNonJsonOrMissing_throwSecretFormatException() {
    provider.set("plain", "not json at all");
    provider.set("json", "{\"user\":\"app\"}");
    provider.set("bin", new byte[] {(byte) 0xC3, (byte) 0x28});
    SecretsClient c = client();
    assertThatThrownBy(() -> c.value("plain").field("password")).isInstanceOf(SecretFormatException.class);
    assertThatThrownBy(() -> c.value("json").field("password")).isInstanceOf(SecretFormatException.class)
        .hasMessageContaining("user");
    assertThatThrownBy(() -> c.get("bin")).isInstanceOf(SecretFormatException.class);
  }

  @Test
  void rotate_throwingGenerator_isRotationFailedWithNothingWritten() {
    provider.set("db", "old-value");
    SecretsClient c = client();
    IllegalStateException bug = new IllegalStateException("generator bug");

    assertThatThrownBy(() -> c.rotate("db", Rotation.builder().generator(v -> {
      throw bug;
    }).build())).isInstanceOf(RotationFailedException.class).hasCause(bug);
    assertThat(provider.puts).hasValue(0);
  }

  @Test
  void tlsTrustFailure_isAConfigurationErrorNamingTheTrustStore_notRetried() {
    provider.set("db", "v");
    provider.failAlways(() -> new ProviderUnavailableException("could not reach the store",
        new SSLHandshakeException("PKIX path building failed")));
    SecretsClient c = client("secrets.retry.max-attempts", "3");

    assertThatThrownBy(() -> c.get("db")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("trust store").hasMessageContaining("keytool");
    assertThat(provider.fetches).hasValue(1);

    provider.failAlways(() -> new ProviderUnavailableException("x", new RuntimeException(new CertPathBuilderException("no path"))));
    assertThatThrownBy(() -> c.refresh("db")).isInstanceOf(ConfigurationException.class);
  }

  @Test
  void production_isDetectedFromPrefixesOrSaidExplicitly() {
    for (String env : List.of("prod", "production-eu", "PRD", "prd-2", "live", "live-us")) {
      assertThat(ProviderUri.isProduction(Map.of("secrets.env", env))).as(env).isTrue();
    }
    for (String env : List.of("dev", "staging", "test", "preprod", "qa-live")) {
      assertThat(ProviderUri.isProduction(Map.of("secrets.env", env))).as(env).isFalse();
    }
    assertThat(ProviderUri.isProduction(Map.of("secrets.env", "prod", "secrets.production", "false"))).isFalse();
    assertThat(ProviderUri.isProduction(Map.of("secrets.env", "dev", "secrets.production", "true"))).isTrue();
    assertThat(ProviderUri.isProduction(Map.of("secrets.production", "TRUE"))).isTrue();
    assertThatThrownBy(() -> ProviderUri.isProduction(Map.of("secrets.production", "yes")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("secrets.production");
    assertThat(Settings.knownKeys()).contains("secrets.production");
  }

  @Test
  void providerUri_withNoParametersAllowed_saysSoInsteadOfAnEmptyList() {
    ProviderUri uri = ProviderUri.parse("memory://x?y=1", Map.of());
    assertThatThrownBy(() -> uri.requireOnly(Set.of())).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("takes no query parameters").message().doesNotContain("Valid choices: .");
  }

  @Test
  void closeHooks_runExactlyOnce() {
    AtomicInteger hooks = new AtomicInteger();
    SecretsClient c = TestClients.builder(provider, clock, DIRECT).onClose(hooks::incrementAndGet).build();
    c.close();
    c.close();
    assertThat(hooks).hasValue(1);
    assertThat(provider.closes).hasValue(1);
  }

  @Test
  void listenerValue_isAView_wipingItLeavesTheCacheIntact() {
    provider.set("db", "first-value-1");
    SecretsClient c = client();
    c.get("db");
    c.onRotate("db", SecretValue::wipe); // a careless listener
    provider.set("db", "second-value-2");
    c.refresh("db");

    assertThat(c.value("db").asString()).isEqualTo("second-value-2");
    assertThat(c.value("db").asBytes()).hasSize("second-value-2".length());
  }

  @Test
  void secretValueOf_isAnOwner_itsWipeZeroesViewsToo() {
    byte[] raw = "owned-value".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    SecretValue owner = SecretValue.of("n", new SecretRecord("n", "1", raw, Instant.EPOCH));
    SecretValue view = owner.view();
    view.wipe();
    assertThat(owner.asString()).isEqualTo("owned-value");
    owner.wipe();
    assertThat(raw).containsOnly(0);
    assertThat(owner.view().isWiped()).isTrue();
  }
}
