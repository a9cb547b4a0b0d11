package io.secretsbroker.azure;

import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import java.time.Clock;

/**
 * Opens {@code azure://} providers over Azure Key Vault:
 *
 * <pre>
 * secrets.provider=azure://my-vault.vault.azure.net
 * secrets.provider=azure://my-vault.vault.azure.cn?credential=workload-identity&amp;client-id=...
 * secrets.provider=azure://my-vault?endpoint=https://localhost:8443&amp;credential=cli   (an emulator)
 * </pre>
 *
 * <p>Query parameters: {@code credential} ({@code managed-identity}, the default,
 * {@code workload-identity}, {@code default} or {@code cli}), {@code client-id} (a user-assigned
 * identity), {@code endpoint} (an emulator or proxy; https only, certificate checks stay on) and
 * {@code timeout} (per HTTP exchange, default 10 s). Anything else is refused, and a parameter that
 * looks like a client secret is refused with a message of its own: no credential is ever read from
 * configuration or the environment.
 *
 * <p>Creating a provider does no network I/O. Listed in
 * {@code META-INF/services/io.secretsbroker.spi.SecretProviderFactory}. Stateless and thread-safe.
 */
public final class AzureKeyVaultProviderFactory implements SecretProviderFactory {

  /** For {@link java.util.ServiceLoader}. */
  public AzureKeyVaultProviderFactory() {}

  @Override
  public String scheme() {
    return "azure";
  }

  /**
   * @throws io.secretsbroker.ConfigurationException when the URI is not a Key Vault, carries an
   *     unknown parameter or a credential, or an endpoint is not https
   */
  @Override
  public SecretProvider create(ProviderUri uri) {
    KeyVaultConfig config = KeyVaultConfig.from(uri);
    return new KeyVaultSecretProvider(config, () -> Credentials.create(config, System::getenv),
        () -> KeyVaultSecretProvider.httpClient(java.net.http.HttpClient.newBuilder(), config.timeout()),
        Clock.systemUTC());
  }
}
