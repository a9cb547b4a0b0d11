package io.secretsbroker.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one shared {@link ObjectMapper}, created on first use so that a function reading only plain
 * text secrets never loads Jackson databind (hundreds of classes: around a hundred milliseconds of
 * cold start), and a streaming {@link JsonFactory} (jackson-core only) for code that just scans a
 * JSON text, such as the {@link io.secretsbroker.Redactor} registering a JSON secret's fields on
 * the first read. Both are thread-safe once built.
 */
public final class Json {
  private Json() {}

  private static final class Holder {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private static final class FactoryHolder {
    static final JsonFactory FACTORY = new JsonFactory();
  }

  public static ObjectMapper mapper() {
    return Holder.MAPPER;
  }

  /** A streaming parser factory that loads no databind class. */
  public static JsonFactory factory() {
    return FactoryHolder.FACTORY;
  }

  /**
   * The JSON object at the start of {@code content}, read with the streaming parser (no databind):
   * field name to text ({@code String}), nested object ({@code Map}) or anything else
   * ({@code null}: numbers, booleans, nulls, arrays). A duplicate name keeps its last value.
   *
   * @return null when the content does not start with an object
   * @throws IOException when it starts with one but is malformed or truncated
   */
  public static Map<String, Object> objectFields(byte[] content) throws IOException {
    try (JsonParser p = factory().createParser(content)) {
      return p.nextToken() == JsonToken.START_OBJECT ? readObject(p) : null;
    }
  }

  /** {@link #objectFields(byte[])} for a text. */
  public static Map<String, Object> objectFields(String content) throws IOException {
    try (JsonParser p = factory().createParser(content)) {
      return p.nextToken() == JsonToken.START_OBJECT ? readObject(p) : null;
    }
  }

  private static Map<String, Object> readObject(JsonParser p) throws IOException {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      if (t != JsonToken.FIELD_NAME) {
        throw new IOException("malformed JSON object"); // the parser reports most errors itself
      }
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_STRING) {
        fields.put(name, p.getText());
      } else if (v == JsonToken.START_OBJECT) {
        fields.put(name, readObject(p));
      } else if (v == null) {
        throw new IOException("truncated JSON object");
      } else {
        p.skipChildren(); // arrays are skipped whole
        fields.put(name, null);
      }
    }
    return fields;
  }
}
