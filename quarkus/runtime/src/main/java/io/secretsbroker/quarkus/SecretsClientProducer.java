package io.secretsbroker.quarkus;

import io.quarkus.arc.DefaultBean;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.quarkus.internal.ClientHolder;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Produces the application's one {@link SecretsClient} as a {@code @Singleton} bean: the same
 * client that resolves {@code ${secrets.*}} placeholders (built from {@code secrets.*} when the
 * runtime configuration was built), closed when the application shuts down.
 *
 * <p>Its configuration is the {@link SecretsBrokerConfig} mapping.
 *
 * <p>Failure: injecting the client without {@code secrets.provider} configured throws
 * {@link io.secretsbroker.ConfigurationException} saying what to set. The client is thread-safe.
 */
@Singleton
public class SecretsClientProducer {

  @Produces
  @Singleton
  @DefaultBean
  SecretsClient secretsClient(SecretsBrokerConfig config) {
    if (config.provider().isEmpty()) {
      throw new ConfigurationException("No SecretsClient: secrets.provider is not set in the Quarkus"
          + " configuration. Set it in application.properties (for example secrets.provider=aws://?region=eu-west-1,"
          + " or memory:// in tests).");
    }
    return ClientHolder.client();
  }

  void close(@Disposes SecretsClient client) {
    ClientHolder.close();
  }
}
