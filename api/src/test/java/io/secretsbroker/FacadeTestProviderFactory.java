package io.secretsbroker;

import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code facadetest://}: a provider found with ServiceLoader, counting how many were opened. */
public final class FacadeTestProviderFactory implements SecretProviderFactory {
  static final AtomicInteger OPENED = new AtomicInteger();

  @Override
  public String scheme() {
    return "facadetest";
  }

  @Override
  public SecretProvider create(ProviderUri uri) {
    uri.requireOnly(Set.of());
    int n = OPENED.incrementAndGet();
    return new SecretProvider() {
      @Override
      public String id() {
        return "facadetest-" + n;
      }

      @Override
      public SecretRecord fetch(String name) {
        return new SecretRecord(name, String.valueOf(n), ("value-from-client-" + n).getBytes(StandardCharsets.UTF_8),
            Instant.EPOCH);
      }

      @Override
      public void close() {}
    };
  }
}
