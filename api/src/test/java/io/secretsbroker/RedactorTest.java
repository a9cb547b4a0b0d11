package io.secretsbroker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RedactorTest {
  private final Redactor redactor = new Redactor();

  @Test
  void redact_registeredText_masked_untilEveryHandleIsClosed() {
    Subscription first = redactor.protect("hunter2-secret");
    Subscription second = redactor.protect("hunter2-secret");
    assertThat(redactor.redact("pw=hunter2-secret;")).isEqualTo("pw=****;");
    first.close();
    first.close(); // idempotent: must not release the second registration
    assertThat(redactor.redact("pw=hunter2-secret")).isEqualTo("pw=****");
    second.close();
    assertThat(redactor.redact("pw=hunter2-secret")).isEqualTo("pw=hunter2-secret");
    assertThat(redactor.size()).isZero();
  }

  @Test
  void redact_nothingMatches_returnsSameInstance() {
    redactor.protect("abcdef-123");
    String line = "an ordinary log line";
    assertThat(redactor.redact(line)).isSameAs(line);
    assertThat(redactor.redact(null)).isNull();
  }

  @Test
  void redact_overlappingValues_longestMaskedWhole() {
    redactor.protect("pass");
    redactor.protect("password-1234");
    assertThat(redactor.redact("x password-1234 y pass")).isEqualTo("x **** y ****");
  }

  @Test
  void protect_shortText_ignored() {
    redactor.protect("abc");
    assertThat(redactor.redact("abc")).isEqualTo("abc");
  }

  @Test
  void protect_jsonSecret_masksSecretFields_notDescriptiveOnes() {
    SecretValue v = SecretValue.of("db", "1", ("{\"username\":\"app_user\",\"host\":\"db.internal\","
        + "\"password\":\"pa55-word-x\",\"nested\":{\"apiKey\":\"k-123456\"},\"port\":5432}")
        .getBytes(StandardCharsets.UTF_8));
    Subscription s = redactor.protect(v);
    assertThat(redactor.redact("user app_user on db.internal with pa55-word-x and k-123456"))
        .isEqualTo("user app_user on db.internal with **** and ****");
    s.close();
    assertThat(redactor.size()).isZero();
  }

  @Test
  void protect_binaryOrWipedValue_registersNothing() {
    SecretValue binary = SecretValue.of("key", "1", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
    redactor.protect(binary);
    SecretValue wiped = SecretValue.of("x", "1", "wiped-before".getBytes(StandardCharsets.UTF_8));
    wiped.wipe();
    redactor.protect(wiped);
    assertThat(redactor.size()).isZero();
    assertThat(redactor.toString()).isEqualTo("Redactor[0 values]");
  }

  @Test
  void protect_malformedJson_registersOnlyWholeText() {
    String text = "{\"password\":\"half-parsed-pw\",\"broken\": ";
    Subscription s = redactor.protect(SecretValue.of("x", "1", text.getBytes(StandardCharsets.UTF_8)));
    assertThat(redactor.size()).isEqualTo(1);
    assertThat(redactor.redact("pw half-parsed-pw")).isEqualTo("pw half-parsed-pw");
    assertThat(redactor.redact(text)).isEqualTo(Redactor.MASK);
    s.close();
    assertThat(redactor.size()).isZero();
  }

  @Test
  void protect_jsonWithArraysAndDuplicates_skipsArraysAndKeepsLastDuplicate() {
    String text = "{\"token\":\"first-token-x\",\"list\":[\"in-array-value\",{\"k\":\"deep-array-v\"}],"
        + "\"token\":\"second-token-y\",\"n\":12345678,\"flag\":true,\"none\":null} trailing";
    Subscription s = redactor.protect(SecretValue.of("x", "1", text.getBytes(StandardCharsets.UTF_8)));
    assertThat(redactor.redact("a first-token-x b second-token-y c in-array-value d deep-array-v"))
        .isEqualTo("a first-token-x b **** c in-array-value d deep-array-v");
    assertThat(redactor.size()).isEqualTo(2);
    s.close();
    assertThat(redactor.size()).isZero();
  }
}
