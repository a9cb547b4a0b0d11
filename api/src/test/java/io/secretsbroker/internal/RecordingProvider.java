package io.secretsbroker.internal;

import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider that remembers every value array it hands over: the cache takes ownership of those
 * arrays, so a test can check that they end up zeroed.
 */
final class RecordingProvider implements SecretProvider {
  final Map<String, byte[]> values = new ConcurrentHashMap<>();
  final List<byte[]> handedOut = new CopyOnWriteArrayList<>();
  final AtomicInteger fetches = new AtomicInteger();

  void set(String name, String value) {
    values.put(name, value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String id() {
    return "recording";
  }

  @Override
  public SecretRecord fetch(String name) {
    fetches.incrementAndGet();
    byte[] stored = values.get(name);
    if (stored == null) {
      throw new SecretNotFoundException("Secret '" + name + "' not found in recording provider");
    }
    byte[] copy = stored.clone();
    handedOut.add(copy);
    return new SecretRecord(name, "v" + fetches.get(), copy, Instant.EPOCH);
  }

  @Override
  public void close() {}
}
