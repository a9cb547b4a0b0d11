package io.secretsbroker.internal;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The shared Jackson mapper, created on first use so that Jackson is loaded only when a JSON
 * secret is actually parsed (cold start). Thread-safe (ObjectMapper is, once configured).
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
