package io.secretsbroker.internal;

import io.secretsbroker.internal.client.DefaultSecretsClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.Redactor;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.SecretsException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Values leave memory zeroed: on eviction, on expiry, on close; caller views are clearable copies. */
class MemoryHygieneTest {
  private final FakeProvider provider = new FakeProvider();
  private final MutableClock clock = new MutableClock();

  private DefaultSecretsClient client(String... keyValues) {
    return (DefaultSecretsClient) TestClients.builder(provider, clock, Runnable::run, keyValues)
        .property("secrets.audit", "off").build();
  }

  private static boolean zeroed(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  @Test
  void eviction_bySize_zeroesTheEvictedValue_andStopsMaskingIt() {
    provider.set("a", "hygiene-value-aaaa");
    provider.set("b", "hygiene-value-bbbb");
    try (DefaultSecretsClient c = client("secrets.cache.max-size", "1")) {
      SecretValue a = c.value("a");
      c.value("b");
      c.cleanUp();
      SecretValue evicted = a.isWiped() ? a : c.value("b");
      assertThat(evicted.isWiped()).isTrue();
      // a text value is kept as its String only: the provider's arrays were zeroed at load
      assertThat(provider.handedOut).hasSize(2).allMatch(MemoryHygieneTest::zeroed);
      assertThat(Redactor.global().containsSecret("hygiene-value-aaaa hygiene-value-bbbb"))
          .as("the value still cached is masked").isTrue();
      assertThat(Redactor.global().redact("x hygiene-value-aaaa hygiene-value-bbbb"))
          .as("exactly one of the two is still masked").containsOnlyOnce(Redactor.MASK);
    }
  }

  @Test
  void expiry_afterMaxStale_zeroesTheValue() {
    provider.set("db", "hygiene-expiring-1");
    try (DefaultSecretsClient c = client("secrets.cache.refresh-after", "PT1M", "secrets.cache.max-stale", "PT2M")) {
      SecretValue v = c.value("db");
      clock.advance(Duration.ofMinutes(3));
      c.cleanUp();
      assertThat(v.isWiped()).isTrue();
      assertThat(zeroed(provider.handedOut.get(0))).isTrue();
      assertThatThrownBy(v::asChars).isInstanceOf(SecretsException.class)
          .hasMessageContaining("wiped").hasMessageNotContaining("hygiene-expiring-1");
    }
  }

  @Test
  void rotate_zeroesThePreviousValueItRead_whetherVerifiedOrRestored() {
    provider.set("db", "hygiene-rotate-before");
    try (DefaultSecretsClient c = client()) {
      c.rotate("db", io.secretsbroker.Rotation.defaults());
      assertThat(provider.handedOut).as("rotate read the previous value once").hasSize(1);
      assertThat(zeroed(provider.handedOut.get(0))).isTrue();

      assertThatThrownBy(() -> c.rotate("db", io.secretsbroker.Rotation.builder().verify(v -> {
        throw new IllegalStateException("target refused the new password");
      }).build())).isInstanceOf(io.secretsbroker.RotationFailedException.class);
      assertThat(provider.handedOut).hasSize(2);
      assertThat(zeroed(provider.handedOut.get(1))).as("zeroed after it was written back").isTrue();
      assertThat(c.value("db").asString()).as("the restored value is intact")
          .isEqualTo(provider.current("db")).isNotEmpty();
    }
  }

  @Test
  void close_zeroesEveryCachedValue_andForgetsThem() {
    provider.set("a", "hygiene-close-aaaa");
    provider.set("b", "hygiene-close-bbbb");
    DefaultSecretsClient c = client();
    c.values(java.util.List.of("a", "b"));
    c.close();
    assertThat(provider.handedOut).isNotEmpty().allMatch(MemoryHygieneTest::zeroed);
    assertThat(Redactor.global().containsSecret("hygiene-close-aaaa hygiene-close-bbbb")).isFalse();
  }

  @Test
  void textValue_isHeldOnce_asTheStringGetReturns() {
    String secret = "hygiene-one-copy-1234"; // secrets-guard:allow test fixture
    provider.set("db", secret);
    try (DefaultSecretsClient c = client()) {
      String got = c.get("db");
      assertThat(got).isEqualTo(secret);
      assertThat(provider.handedOut).hasSize(1);
      assertThat(zeroed(provider.handedOut.get(0))).as("no byte copy kept beside the text").isTrue();
      assertThat(c.get("db")).as("the same instance on every hit: no copy per read").isSameAs(got);
      assertThat(c.value("db").asString()).as("value() shares that one copy").isSameAs(got);
      byte[] first = c.value("db").asBytes();
      byte[] second = c.value("db").asBytes();
      assertThat(first).isNotSameAs(second).isEqualTo(secret.getBytes(StandardCharsets.UTF_8));
      assertThat(c.value("db").length()).isEqualTo(secret.length());
    }
  }

  @Test
  void binaryValue_isHeldOnce_asBytes_zeroedOnClose() {
    byte[] binary = {(byte) 0xff, (byte) 0xfe, 1, 2, 3, (byte) 0xc0};
    provider.set("key", binary);
    DefaultSecretsClient c = client();
    SecretValue v = c.value("key");
    assertThat(v.asBytes()).isEqualTo(binary).isNotSameAs(v.asBytes());
    assertThat(zeroed(provider.handedOut.get(0))).as("a binary value keeps its bytes while cached").isFalse();
    assertThatThrownBy(() -> c.get("key")).isInstanceOf(io.secretsbroker.SecretFormatException.class)
        .hasMessageContaining("binary");
    c.close();
    assertThat(zeroed(provider.handedOut.get(0))).as("close zeroes the one copy").isTrue();
    assertThat(v.isWiped()).isTrue();
  }

  @Test
  void callerViews_areCopiesTheCallerCanClear() {
    provider.set("db", "hygiene-view-1234");
    try (DefaultSecretsClient c = client()) {
      SecretValue v = c.value("db");
      char[] chars = v.asChars();
      byte[] bytes = v.asBytes();
      Arrays.fill(chars, '\0');
      Arrays.fill(bytes, (byte) 0);
      assertThat(c.get("db")).isEqualTo("hygiene-view-1234");
      assertThat(new String(v.asBytes(), StandardCharsets.UTF_8)).isEqualTo("hygiene-view-1234");
    }
  }
}
