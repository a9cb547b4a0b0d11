package io.secretsbroker.spi;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding for providers, which store a value as text when it is valid UTF-8 and as
 * binary (base64, SecretBinary) when it is not. {@link String#String(byte[], java.nio.charset.Charset)}
 * would silently replace malformed bytes; this never does.
 *
 * <p>Stateless and thread-safe (a fresh decoder per call). Never throws for malformed input and
 * never puts the value in a message.
 */
public final class Utf8 {
  private Utf8() {}

  /**
   * The value as a String when every byte sequence in it is valid UTF-8, else {@code null} (the
   * value is binary).
   *
   * @throws NullPointerException if {@code value} is null
   */
  public static String textOrNull(byte[] value) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
