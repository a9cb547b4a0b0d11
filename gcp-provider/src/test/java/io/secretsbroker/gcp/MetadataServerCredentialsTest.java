package io.secretsbroker.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.ComputeEngineCredentials;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.gcp.internal.GcpConfig;
import io.secretsbroker.gcp.internal.GcpCredentials;
import io.secretsbroker.gcp.internal.GcpSecretProvider;
import io.secretsbroker.gcp.internal.SecretManagerHttp;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Cloud Run / Functions / GKE path: {@link ComputeEngineCredentials} fetching its token from a
 * metadata server (WireMock speaking the metadata protocol: {@code Metadata-Flavor: Google} both
 * ways), in production, and the token reaching Secret Manager. The auth library's requests to
 * {@code 169.254.169.254} are redirected to the loopback server by its own transport hook.
 */
class MetadataServerCredentialsTest {
  private static final String TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token";
  private final FakeSecretManager fake = new FakeSecretManager(GcpProviderContractTest.PROJECT, null);

  @AfterEach
  void stop() {
    fake.close();
  }

  private GcpSecretProvider provider() {
    int port = fake.server.port();
    HttpTransportFactory toLoopback = () -> new NetHttpTransport.Builder().setConnectionFactory(
        (URL url) -> (HttpURLConnection) URI.create("http://127.0.0.1:" + port + url.getFile()).toURL()
            .openConnection()).build();
    ComputeEngineCredentials metadata = ComputeEngineCredentials.newBuilder().setHttpTransportFactory(toLoopback)
        .build();
    // production: the metadata server is the identity production is meant to use
    GcpConfig config = new GcpConfig("my-project", null, URI.create(fake.endpoint()), false, true,
        GcpConfig.DEFAULT_TIMEOUT);
    return new GcpSecretProvider(config, new SecretManagerHttp(config, GcpCredentials.from(config, () -> metadata)));
  }

  @Test
  void fetch_tokenFromMetadataServer_reachesSecretManagerInProduction() {
    fake.server.stubFor(get(urlPathEqualTo(TOKEN_PATH)).atPriority(1).withHeader("Metadata-Flavor", equalTo("Google"))
        .willReturn(aResponse().withStatus(200).withHeader("Metadata-Flavor", "Google")
            .withHeader("Content-Type", "application/json")
            .withBody("{\"access_token\":\"ya29.metadata\",\"expires_in\":3599,\"token_type\":\"Bearer\"}"))); // secrets-guard:allow fake token
    fake.requiredToken = "ya29.metadata"; // secrets-guard:allow fake token
    fake.seed("db", "from-metadata-identity".getBytes(StandardCharsets.UTF_8));

    try (GcpSecretProvider p = provider()) {
      assertThat(new String(p.fetch("db").value(), StandardCharsets.UTF_8)).isEqualTo("from-metadata-identity");
      p.fetch("db");
    }

    fake.server.verify(1, getRequestedFor(urlPathEqualTo(TOKEN_PATH))); // cached by the library, not refetched
  }

  @Test
  void fetch_metadataServerFailing_retryableWithoutSdkException() {
    fake.server.stubFor(get(urlPathMatching("/computeMetadata/.*")).atPriority(1)
        .willReturn(aResponse().withStatus(503).withHeader("Metadata-Flavor", "Google").withBody("unavailable")));
    fake.seed("db", "x".getBytes(StandardCharsets.UTF_8));

    try (GcpSecretProvider p = provider()) {
      Throwable t = catchThrowable(() -> p.fetch("db"));

      assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("metadata server");
    }
  }
}
