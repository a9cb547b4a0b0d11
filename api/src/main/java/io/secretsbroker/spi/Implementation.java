package io.secretsbroker.spi;

import io.secretsbroker.ConfigurationException;
import java.util.ServiceLoader;

/** The one {@link SecretsClientFactory}, found once with {@link ServiceLoader}, for the SPI helpers. */
final class Implementation {
  private Implementation() {}

  static SecretsClientFactory factory() {
    return Holder.FACTORY;
  }

  private static final class Holder {
    static final SecretsClientFactory FACTORY = load();

    private static SecretsClientFactory load() {
      ClassLoader loader = SecretsClientFactory.class.getClassLoader();
      return ServiceLoader.load(SecretsClientFactory.class, loader).findFirst()
          .orElseThrow(() -> new ConfigurationException("No SecretsClientFactory found: the secretsbroker-api"
              + " jar is incomplete (META-INF/services/io.secretsbroker.spi.SecretsClientFactory is missing)."
              + " Use the published secretsbroker-api artifact."));
    }
  }
}
