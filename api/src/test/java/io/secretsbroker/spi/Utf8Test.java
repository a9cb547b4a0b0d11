package io.secretsbroker.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {

  @Test
  void textOrNull_validUtf8_returnsTheText() {
    String text = "pässwort-€-😀";
    assertThat(Utf8.textOrNull(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
  }

  @Test
  void textOrNull_empty_returnsEmptyString() {
    assertThat(Utf8.textOrNull(new byte[0])).isEmpty();
  }

  @Test
  void textOrNull_malformedSequence_returnsNull() {
    assertThat(Utf8.textOrNull(new byte[] {'a', (byte) 0xC3, '('})).isNull();
  }

  @Test
  void textOrNull_encodedSurrogate_returnsNull() {
    assertThat(Utf8.textOrNull(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isNull();
  }

  @Test
  void textOrNull_truncatedSequence_returnsNull() {
    assertThat(Utf8.textOrNull(new byte[] {(byte) 0xE2, (byte) 0x82})).isNull();
  }
}
