package io.secretsbroker.gcp;

import io.secretsbroker.gcp.internal.GcpConfig;
import io.secretsbroker.gcp.internal.GcpCredentials;
import io.secretsbroker.gcp.internal.GcpSecretProvider;
import io.secretsbroker.gcp.internal.SecretManagerHttp;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import java.util.Objects;

/**
 * Opens {@code gcp://} providers over Google Cloud Secret Manager:
 *
 * <pre>
 * secrets.provider=gcp://my-project                              global secrets
 * secrets.provider=gcp://my-project?location=europe-west1        regional secrets
 * secrets.provider=gcp://my-project?endpoint=http://127.0.0.1:8085&amp;credentials=none   an emulator
 * </pre>
 *
 * <p>The authority is the project id (or number). Query parameters: {@code location} (the region of
 * regional secrets; requests then go to {@code secretmanager.LOCATION.rep.googleapis.com}),
 * {@code endpoint} (an emulator or proxy: https, or plain http to a loopback host together with
 * {@code credentials=none}) and {@code credentials=none} (no token at all; loopback endpoints
 * only). Anything else is refused. The identity is Application Default Credentials: the metadata
 * server on Cloud Run, Cloud Functions, GKE and Compute Engine; a key file or gcloud login only
 * outside production.
 *
 * <p>Creating a provider does no network I/O: credentials are resolved on the first request.
 * Listed in {@code META-INF/services/io.secretsbroker.spi.SecretProviderFactory}. Stateless and
 * thread-safe; failures are {@link io.secretsbroker.ConfigurationException}s naming the setting.
 */
public final class GcpSecretManagerProviderFactory implements SecretProviderFactory {

  /** For {@link java.util.ServiceLoader}. */
  public GcpSecretManagerProviderFactory() {}

  @Override
  public String scheme() {
    return "gcp";
  }

  /**
   * @throws io.secretsbroker.ConfigurationException when the URI names no valid project, carries
   *     an unknown parameter, an endpoint that is not https (or loopback http with
   *     {@code credentials=none}), or {@code credentials=none} without a loopback endpoint
   */
  @Override
  public SecretProvider create(ProviderUri uri) {
    Objects.requireNonNull(uri, "uri");
    GcpConfig config = GcpConfig.from(uri);
    GcpCredentials credentials = config.noCredentials() ? GcpCredentials.none()
        : GcpCredentials.applicationDefault(config);
    return new GcpSecretProvider(config, new SecretManagerHttp(config, credentials));
  }
}
