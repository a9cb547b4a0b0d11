package io.secretsbroker.spi;

import io.secretsbroker.SecretsClient;
import java.util.Map;
import java.util.Set;

/**
 * The implementation's entry point: builds the client behind {@link SecretsClient.Builder#build()}
 * and answers the SPI helpers ({@link AllowList#from}, {@link Configuration}, {@link GuardCheck#of}).
 * The API finds its one implementation with {@link java.util.ServiceLoader} (the {@code api} module
 * provides it), so neither the portable API nor the SPI refers to the implementation and the
 * dependency runs one way: implementation to API. Applications and drivers do not implement or
 * call this; they use the helpers.
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

  /**
   * The allowlist these properties resolve to (no ambient configuration): {@link AllowList#from}.
   *
   * @throws io.secretsbroker.ConfigurationException on an invalid key, template, env or alias
   */
  AllowList allowList(Map<String, String> properties);

  /**
   * The runtime guard's decision and findings for these settings: {@link GuardCheck#of}.
   *
   * @throws io.secretsbroker.ConfigurationException when {@code secrets.guard} is invalid
   */
  GuardCheck guardCheck(Map<String, String> settings);

  /** Makes validation accept these keys: {@link Configuration#registerKeys}. */
  void registerKeys(String... keys);

  /** Every key validation accepts: {@link Configuration#knownKeys}. */
  Set<String> knownKeys();
}
