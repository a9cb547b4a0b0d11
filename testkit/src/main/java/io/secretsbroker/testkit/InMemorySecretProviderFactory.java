package io.secretsbroker.testkit;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import java.util.Set;

/**
 * Opens the {@code memory://} provider: {@code memory://} is a new, empty store;
 * {@code memory://orders} is the shared store {@link InMemorySecretProvider#named(String)
 * InMemorySecretProvider.named("orders")}, so a test can seed it before a client built from
 * configuration opens it. No query parameters are accepted.
 *
 * <p>It refuses to start when {@code secrets.env} is {@code prod} or {@code production}: an
 * in-process store is for tests only. Stateless and thread-safe.
 */
public final class InMemorySecretProviderFactory implements SecretProviderFactory {

  @Override
  public String scheme() {
    return "memory";
  }

  @Override
  public SecretProvider create(ProviderUri uri) {
    if (uri.isProduction()) {
      throw new ConfigurationException("secrets.provider=" + uri + " is an in-process test store and refuses to"
          + " start with secrets.env=" + uri.env().orElse("") + ". Use aws://, azure:// or vault:// in production,"
          + " or set secrets.env to a non-production name in tests.");
    }
    uri.requireOnly(Set.of());
    String path = uri.path();
    if (!path.isEmpty() && !path.equals("/")) {
      throw new ConfigurationException("secrets.provider=" + uri + " has a path; the memory provider takes only"
          + " a store name: memory:// (a new store) or memory://name (the shared store"
          + " InMemorySecretProvider.named(\"name\")).");
    }
    return uri.host().map(InMemorySecretProvider::named).orElseGet(InMemorySecretProvider::new);
  }
}
