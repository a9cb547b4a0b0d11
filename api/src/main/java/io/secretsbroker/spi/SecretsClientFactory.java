package io.secretsbroker.spi;

import io.secretsbroker.SecretsClient;

/**
 * Builds the client behind {@link SecretsClient.Builder#build()}. The API finds its one
 * implementation with {@link java.util.ServiceLoader} (the {@code api} module provides it), so the
 * portable API never refers to the implementation and the dependency runs one way: implementation
 * to API. Applications and drivers do not implement or call this.
 *
 * <p>Implementations must be thread-safe; {@link #build} may be called from many threads.
 */
public interface SecretsClientFactory {

  /**
   * A new client from the builder's state.
   *
   * @throws io.secretsbroker.ConfigurationException when the configuration is invalid
   */
  SecretsClient build(SecretsClient.Builder builder);
}
