package io.secretsbroker.internal;

import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.SecretProvider;
import java.time.Clock;
import java.util.concurrent.Executor;

/** Builders for test clients: no ambient configuration, a given clock and executor, fast retries. */
public final class TestClients {
  private TestClients() {}

  /** A provider answering every name with {@code valueOf.apply(name)}, version "1". */
  public static SecretProvider inline(java.util.function.Function<String, String> valueOf) {
    return new SecretProvider() {
      @Override
      public String id() {
        return "inline";
      }

      @Override
      public io.secretsbroker.spi.SecretRecord fetch(String name) {
        return new io.secretsbroker.spi.SecretRecord(name, "1",
            valueOf.apply(name).getBytes(java.nio.charset.StandardCharsets.UTF_8), java.time.Instant.EPOCH);
      }

      @Override
      public void close() {}
    };
  }

  /** {@code keyValues} are {@code secrets.*} key/value pairs. */
  static SecretsClient.Builder builder(SecretProvider provider, Clock clock, Executor executor, String... keyValues) {
    SecretsClient.Builder b = SecretsClient.builder().provider(provider).ambientConfiguration(false).clock(clock)
        .executor(executor).property("secrets.retry.initial-backoff", "1ms");
    for (int i = 0; i < keyValues.length; i += 2) {
      b.property(keyValues[i], keyValues[i + 1]);
    }
    return b;
  }
}
