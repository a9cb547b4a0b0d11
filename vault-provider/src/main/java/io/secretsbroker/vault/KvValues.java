package io.secretsbroker.vault;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.spi.Utf8;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How a secret's bytes map onto a KV v2 {@code data} map, both ways. A KV secret is always a map of
 * fields; Secrets Broker values are bytes.
 *
 * <ul>
 *   <li>Read: a map whose only key is {@code value} holding a string is that string (what
 *       {@code vault kv put secret/api value=...} writes); a map whose only key is
 *       {@code value_base64} is those bytes, decoded; any other map is the whole map as compact
 *       JSON, so {@code Secrets.field("db", "password")} reads one field.
 *   <li>Write: bytes that are a JSON object become the map; other UTF-8 text becomes
 *       {@code {"value": text}}; anything else (binary) becomes {@code {"value_base64": ...}}.
 * </ul>
 *
 * <p>Consequence: a JSON object whose only field is {@code value} reads back as that field's text.
 * Stateless and thread-safe; parse failures are never reported (they could quote the value).
 */
final class KvValues {
  static final String VALUE = "value";
  static final String VALUE_BASE64 = "value_base64";

  private static final ObjectReader STRICT = VaultHttp.JSON.reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  private KvValues() {}

  /** The value held by a KV {@code data} map. */
  static byte[] decode(JsonNode data) {
    if (data.size() == 1 && data.path(VALUE).isTextual()) {
      return data.get(VALUE).asText().getBytes(StandardCharsets.UTF_8);
    }
    if (data.size() == 1 && data.path(VALUE_BASE64).isTextual()) {
      try {
        return Base64.getDecoder().decode(data.get(VALUE_BASE64).asText());
      } catch (IllegalArgumentException e) {
        // not base64 after all: fall through to the map as JSON
      }
    }
    try {
      return VaultHttp.JSON.writeValueAsBytes(data);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  /** The KV {@code data} map that stores {@code value}. */
  static ObjectNode encode(byte[] value) {
    String text = Utf8.textOrNull(value);
    ObjectNode data = VaultHttp.object();
    if (text == null) {
      data.put(VALUE_BASE64, Base64.getEncoder().encodeToString(value));
      return data;
    }
    if (text.stripLeading().startsWith("{")) {
      try {
        JsonNode node = STRICT.readTree(text);
        if (node instanceof ObjectNode object) {
          return object;
        }
      } catch (IOException e) {
        // not a JSON object: stored as text below
      }
    }
    data.put(VALUE, text);
    return data;
  }
}
