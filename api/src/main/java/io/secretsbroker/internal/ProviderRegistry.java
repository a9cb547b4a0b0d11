package io.secretsbroker.internal;

import io.secretsbroker.spi.Suggest;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds {@link SecretProviderFactory} implementations with {@link ServiceLoader} and opens the one
 * whose scheme matches {@code secrets.provider}. Two factories claiming one scheme is an error
 * that names both; an unknown scheme lists the schemes found and the dependency to add.
 */
public final class ProviderRegistry {
  private ProviderRegistry() {}

  static Map<String, SecretProviderFactory> factories(ClassLoader loader) {
    Map<String, SecretProviderFactory> byScheme = new TreeMap<>();
    try {
      for (SecretProviderFactory f : ServiceLoader.load(SecretProviderFactory.class, loader)) {
        for (String scheme : f.schemes()) {
          SecretProviderFactory previous = byScheme.putIfAbsent(scheme, f);
          if (previous != null && previous.getClass() != f.getClass()) {
            throw new ConfigurationException("Two secret providers claim the scheme '" + scheme + "': "
                + previous.getClass().getName() + " and " + f.getClass().getName()
                + ". Keep only one of their modules on the classpath.");
          }
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new ConfigurationException("A secret provider on the classpath could not be loaded: "
          + e.getMessage(), e);
    }
    return byScheme;
  }

  public static SecretProvider open(ProviderUri uri) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = ProviderRegistry.class.getClassLoader();
    }
    Map<String, SecretProviderFactory> factories = factories(loader);
    SecretProviderFactory factory = factories.get(uri.scheme());
    if (factory == null) {
      throw new ConfigurationException("No secret provider for scheme '" + uri.scheme() + "' in secrets.provider="
          + uri + ". Schemes on the classpath: " + (factories.isEmpty() ? "none" : String.join(", ", factories.keySet()))
          + ". Add the provider's module (secretsbroker-aws for aws://, secretsbroker-azure for azure://,"
          + " secretsbroker-vault for vault://, secretsbroker-local for local://, secretsbroker-testkit for memory://)"
          + " or fix the scheme."
          + (Suggest.nearest(uri.scheme(), factories.keySet()) == null ? ""
              : " " + Suggest.didYouMean(uri.scheme(), factories.keySet())));
    }
    return factory.create(uri);
  }
}
