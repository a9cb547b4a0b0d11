package io.secretsbroker.spi;

/**
 * Creates a {@link SecretProvider} from a {@code secrets.provider} URI. Found with
 * {@link java.util.ServiceLoader}: a provider module lists its factory in
 * {@code META-INF/services/io.secretsbroker.spi.SecretProviderFactory}. Two factories claiming one
 * scheme are an error that names both.
 */
public interface SecretProviderFactory {

  /** The URI scheme this factory serves: {@code aws}, {@code azure}, {@code vault}, {@code local}. */
  String scheme();

  /**
   * Every scheme this factory serves, for factories with variants ({@code vault} and
   * {@code vault+http}). Defaults to {@link #scheme()} alone.
   */
  default java.util.Set<String> schemes() {
    return java.util.Set.of(scheme());
  }

  /**
   * Builds a provider. Must reject, with {@link io.secretsbroker.ConfigurationException}, any
   * query parameter it does not understand ({@link ProviderUri#requireOnly}) and any credential
   * carried in the URI.
   */
  SecretProvider create(ProviderUri uri);
}
