package io.secretsbroker.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;

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
}
