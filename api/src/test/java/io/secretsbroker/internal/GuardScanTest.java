package io.secretsbroker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.GuardViolationException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.AuditEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime guard scans on its own thread while the provider opens; its verdict still comes
 * before {@code build()} returns, so a blocked start never reads a secret.
 */
class GuardScanTest {
  private static final String PROPERTY = "guardscan.test.password";
  private final FakeProvider provider = new FakeProvider();

  @BeforeEach
  void plant() {
    System.setProperty(PROPERTY, "Zq8!vR2#mW7$kT4pLx9"); // secrets-guard:allow a planted fake for the guard to find
  }

  @AfterEach
  void clear() {
    System.clearProperty(PROPERTY);
  }

  @Test
  void block_refusesBeforeBuildReturns_andNothingIsRead() {
    RecordingSink sink = new RecordingSink(false);
    provider.set("db", "never-read-value");
    assertThatThrownBy(() -> SecretsClient.builder().provider(provider).auditSink(sink)
        .property("secrets.guard", "block").property("secrets.prefetch", "db").build())
        .isInstanceOf(GuardViolationException.class).hasMessageContaining("sysprop:" + PROPERTY)
        .hasMessageNotContaining("Zq8!");
    assertThat(provider.fetches).hasValue(0);
    assertThat(provider.fetchAlls).hasValue(0);
    assertThat(sink.of(AuditEvent.Type.GUARD_VIOLATION)).anyMatch(e -> e.name().equals("sysprop:" + PROPERTY));
  }

  @Test
  void block_whileTheProviderFailsToOpen_reportsTheGuardFirst_withTheOpenFailureAttached() {
    assertThatThrownBy(() -> SecretsClient.builder().property("secrets.guard", "block")
        .property("secrets.provider", "nosuchscheme://x").build())
        .isInstanceOf(GuardViolationException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).hasAtLeastOneElementOfType(ConfigurationException.class));
  }

  @Test
  void warn_starts_andTheScanThreadIsGone() throws Exception {
    try (SecretsClient c = SecretsClient.builder().provider(provider).property("secrets.guard", "warn").build()) {
      assertThat(c).isNotNull();
    }
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("secrets-broker-guard")) {
        t.join(10_000); // a daemon that ends with its scan; joined, not slept on
        assertThat(t.isAlive()).isFalse();
      }
    }
  }
}
