package io.secretsbroker.internal;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one shared {@link ObjectMapper}, created on first use so that a function reading only plain
 * text secrets never loads Jackson (it costs tens of milliseconds of cold start).
 */
public final class Json {
  private Json() {}

  private static final class Holder {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  public static ObjectMapper mapper() {
    return Holder.MAPPER;
  }
}
