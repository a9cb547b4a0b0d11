package io.secretsbroker.internal;

import io.secretsbroker.internal.client.DefaultSecretsClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.Redactor;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.SecretsException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CRaC / SnapStart: driving the client's org.crac resource the way the runtime does. */
class SnapshotTest {
  private static final String VALUE = "snapshot-V4lue-3391";

  @Test
  void beforeCheckpoint_zeroesAndForgetsValues_afterRestore_reloadsOnNextRead() throws Exception {
    FakeProvider provider = new FakeProvider();
    provider.set("db", VALUE);
    try (SecretsClient c = SecretsClient.builder().provider(provider).ambientConfiguration(false)
        .executor(Runnable::run).properties(Map.of("secrets.audit", "off")).build()) {
      DefaultSecretsClient client = (DefaultSecretsClient) c;
      SecretValue held = c.value("db");
      assertThat(Redactor.global().containsSecret("pw=" + VALUE)).isTrue();

      client.snapshotResource().beforeCheckpoint(null);

      assertThat(held.isWiped()).isTrue();
      assertThat(provider.handedOut).allSatisfy(bytes -> assertThat(bytes).containsOnly(0));
      assertThat(Redactor.global().containsSecret("pw=" + VALUE)).isFalse();
      assertThatThrownBy(held::asBytes).isInstanceOf(SecretsException.class).hasMessageContaining("wiped");

      client.snapshotResource().afterRestore(null);

      assertThat(c.get("db")).isEqualTo(VALUE);
      assertThat(provider.fetches).hasValue(2);
    }
  }
}
