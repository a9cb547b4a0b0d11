package io.secretsbroker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.Redactor;
import io.secretsbroker.Rotation;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.VersionStage;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code value(name, PREVIOUS | PENDING)}: read through fetchStage, cached like current values. */
class StageReadsTest {
  private static final Executor DIRECT = Runnable::run;
  private final FakeProvider provider = new FakeProvider();
  private final MutableClock clock = new MutableClock();
  private SecretsClient client;

  private SecretsClient client(String... keyValues) {
    client = TestClients.builder(provider, clock, DIRECT, keyValues).build();
    return client;
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void previous_readOnceThenCached_untilRefreshAfter() {
    provider.set("db", "stage-old-pw-1");
    provider.set("db", "stage-new-pw-2");
    SecretsClient c = client("secrets.cache.refresh-after", "PT5M");

    assertThat(c.value("db", VersionStage.PREVIOUS).asString()).isEqualTo("stage-old-pw-1");
    assertThat(c.value("db", VersionStage.PREVIOUS).asString()).isEqualTo("stage-old-pw-1");
    assertThat(provider.stageReads).hasValue(1);
    assertThat(Redactor.global().redact("x stage-old-pw-1 y")).doesNotContain("stage-old-pw-1");

    clock.advance(Duration.ofMinutes(6));
    c.value("db", VersionStage.PREVIOUS);
    assertThat(provider.stageReads).hasValue(2);
  }

  @Test
  void rotateOrRefresh_dropsTheCachedStages() {
    provider.set("db", "stage-old-pw-3");
    SecretsClient c = client();
    assertThatThrownBy(() -> c.value("db", VersionStage.PREVIOUS)).isInstanceOf(SecretNotFoundException.class);

    SecretValue rotated = c.rotate("db", Rotation.defaults());

    assertThat(c.value("db", VersionStage.PREVIOUS).asString()).isEqualTo("stage-old-pw-3");
    int reads = provider.stageReads.get();
    c.refresh("db");
    c.value("db", VersionStage.PREVIOUS);
    assertThat(provider.stageReads).hasValue(reads + 1);
    assertThat(c.value("db", VersionStage.CURRENT).asString()).isEqualTo(rotated.asString());
  }

  @Test
  void missingStage_notFoundAndNotCached() {
    provider.set("db", "stage-only-pw-4");
    SecretsClient c = client();

    assertThatThrownBy(() -> c.value("db", VersionStage.PENDING)).isInstanceOf(SecretNotFoundException.class);
    assertThatThrownBy(() -> c.value("db", VersionStage.PENDING)).isInstanceOf(SecretNotFoundException.class);
    assertThat(provider.stageReads).hasValue(2);
  }

  @Test
  void close_wipesCachedStageValues() {
    provider.set("db", "stage-old-pw-5");
    provider.set("db", "stage-new-pw-6");
    SecretsClient c = client();
    SecretValue previous = c.value("db", VersionStage.PREVIOUS);

    c.close();

    assertThat(previous.isWiped()).isTrue();
    assertThat(Redactor.global().containsSecret("stage-old-pw-5")).isFalse();
  }
}
