package io.secretsbroker.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.gcp.internal.GcpConfig;
import io.secretsbroker.gcp.internal.GcpCredentials;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProviderFactory;
import java.net.URI;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Parsing {@code gcp://} URIs, and which credentials are accepted where. */
class GcpConfigTest {

  private static GcpConfig parse(String uri) {
    return GcpConfig.from(ProviderUri.parse(uri));
  }

  private static GcpConfig parse(String uri, Map<String, String> settings) {
    return GcpConfig.from(ProviderUri.parse(uri, settings));
  }

  @Test
  void from_projectOnly_globalEndpointWithAdc() {
    GcpConfig c = parse("gcp://my-project");

    assertThat(c.project()).isEqualTo("my-project");
    assertThat(c.location()).isNull();
    assertThat(c.baseUrl()).isEqualTo(URI.create("https://secretmanager.googleapis.com"));
    assertThat(c.noCredentials()).isFalse();
    assertThat(c.parent()).isEqualTo("projects/my-project");
  }

  @Test
  void from_location_regionalEndpointAndParent() {
    GcpConfig c = parse("gcp://my-project?location=europe-west1");

    assertThat(c.baseUrl()).isEqualTo(URI.create("https://secretmanager.europe-west1.rep.googleapis.com"));
    assertThat(c.parent()).isEqualTo("projects/my-project/locations/europe-west1");
    assertThat(c.label()).isEqualTo("my-project/europe-west1");
  }

  @Test
  void from_loopbackEmulatorWithoutCredentials_accepted() {
    for (String host : new String[] {"127.0.0.1:8085", "localhost:8085", "[::1]:8085"}) {
      GcpConfig c = parse("gcp://my-project?endpoint=http://" + host + "&credentials=none");

      assertThat(c.baseUrl()).isEqualTo(URI.create("http://" + host));
      assertThat(c.noCredentials()).isTrue();
    }
  }

  @Test
  void from_projectNumber_accepted() {
    assertThat(parse("gcp://123456789012").project()).isEqualTo("123456789012");
  }

  @Test
  void from_plainHttpToRemoteHost_refused() {
    assertThatThrownBy(() -> parse("gcp://my-project?endpoint=http://secrets.example.com&credentials=none"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("plain http");
  }

  @Test
  void from_plainHttpLoopbackWithAdc_refusedSoNoTokenTravelsInClear() {
    assertThatThrownBy(() -> parse("gcp://my-project?endpoint=http://127.0.0.1:8085"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("credentials=none");
  }

  @Test
  void from_credentialsNoneWithoutLoopbackEndpoint_refused() {
    assertThatThrownBy(() -> parse("gcp://my-project?credentials=none"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("endpoint=http://127.0.0.1:PORT");
    assertThatThrownBy(() -> parse("gcp://my-project?endpoint=https://proxy.example.com&credentials=none"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("only with an endpoint on this machine");
  }

  @Test
  void from_httpsEndpoint_acceptedWithAdc() {
    GcpConfig c = parse("gcp://my-project?endpoint=https://secretmanager.example.internal:8443");

    assertThat(c.baseUrl()).isEqualTo(URI.create("https://secretmanager.example.internal:8443"));
    assertThat(c.noCredentials()).isFalse();
  }

  @Test
  void from_badInput_refusedNamingTheSetting() {
    Map<String, String> cases = Map.of(
        "gcp://my-project?region=europe-west1", "Unknown query parameter 'region'",
        "gcp://my-project?credentials=adc", "credentials=adc", // secrets-guard:allow a refused URI, no credential
        "gcp://My_Project", "not a Google Cloud project id",
        "gcp://?location=europe-west1", "names no project",
        "gcp://my-project:443", "has a port",
        "gcp://my-project/secrets", "has a path",
        "gcp://my-project?location=europe", "not a Google Cloud region",
        "gcp://my-project?endpoint=https://h.example.com/v1", "has a path",
        "gcp://my-project?access-token=abc", "credential"); // secrets-guard:allow a refused parameter, not a token
    cases.forEach((uri, message) -> assertThat(catchThrowable(() -> parse(uri))).as(uri)
        .isInstanceOf(ConfigurationException.class).hasMessageContaining(message));
  }

  @Test
  void from_productionFlag_readFromEnvAndSetting() {
    assertThat(parse("gcp://my-project", Map.of("secrets.env", "prod")).production()).isTrue();
    assertThat(parse("gcp://my-project", Map.of("secrets.production", "true")).production()).isTrue();
    assertThat(parse("gcp://my-project", Map.of("secrets.env", "dev")).production()).isFalse();
  }

  @Test
  void factory_foundByServiceLoaderUnderSchemeGcp() {
    boolean found = false;
    for (SecretProviderFactory f : ServiceLoader.load(SecretProviderFactory.class)) {
      if (f instanceof GcpSecretManagerProviderFactory) {
        assertThat(f.scheme()).isEqualTo("gcp");
        found = true;
      }
    }
    assertThat(found).isTrue();
  }

  @Test
  void factory_createDoesNoIoAndNamesProject() {
    try (var p = new GcpSecretManagerProviderFactory().create(ProviderUri.parse("gcp://my-project"))) {
      assertThat(p.id()).isEqualTo("gcp:my-project");
    }
  }

  private static ServiceAccountCredentials keyFile() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return ServiceAccountCredentials.newBuilder().setClientEmail("dev@my-project.iam.gserviceaccount.com")
        .setPrivateKey((RSAPrivateKey) g.generateKeyPair().getPrivate()).setPrivateKeyId("k1")
        .setUseJwtAccessWithScope(true).build(); // signs its own JWT: no token endpoint, no network
  }

  @Test
  void credentials_keyFileInProduction_refusedBeforeAnyRequest() throws Exception {
    GcpConfig prod = parse("gcp://my-project", Map.of("secrets.env", "prod"));
    ServiceAccountCredentials key = keyFile();
    GcpCredentials creds = GcpCredentials.from(prod, () -> key);

    Throwable t = catchThrowable(() -> creds.authorization(URI.create("https://secretmanager.googleapis.com/v1/x")));

    assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining("service-account key file")
        .hasMessageContaining("production").hasMessageContaining("GOOGLE_APPLICATION_CREDENTIALS");
  }

  @Test
  void credentials_userLoginInProduction_refused() {
    GcpConfig prod = parse("gcp://my-project", Map.of("secrets.production", "true"));
    UserCredentials user = UserCredentials.newBuilder().setClientId("id").setClientSecret("not-a-secret") // secrets-guard:allow fake gcloud client fields
        .setRefreshToken("fake").build(); // secrets-guard:allow fake refresh token, never sent

    Throwable t = catchThrowable(() -> GcpCredentials.from(prod, () -> user)
        .authorization(URI.create("https://secretmanager.googleapis.com/v1/x")));

    assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining("gcloud login");
  }

  @Test
  void credentials_metadataStyleTokenInProduction_accepted() {
    GcpConfig prod = parse("gcp://my-project", Map.of("secrets.env", "prod"));
    GoogleCredentials platform = GoogleCredentials.create(
        new AccessToken("ya29.platform", Date.from(Instant.now().plusSeconds(600)))); // secrets-guard:allow fake token

    assertThat(GcpCredentials.from(prod, () -> platform).authorization(URI.create("https://x/v1")))
        .isEqualTo("Bearer ya29.platform"); // secrets-guard:allow fake token
  }

  @Test
  void credentials_keyFileInDevelopment_accepted() throws Exception {
    GcpConfig dev = parse("gcp://my-project", Map.of("secrets.env", "dev"));
    ServiceAccountCredentials key = keyFile();
    GcpCredentials creds = GcpCredentials.from(dev, () -> key);

    assertThat(creds.authorization(URI.create("https://secretmanager.googleapis.com/v1/x"))).startsWith("Bearer ey");
  }

  @Test
  void credentials_noneFound_configurationErrorSayingWhatToDo() {
    GcpConfig dev = parse("gcp://my-project");

    Throwable t = catchThrowable(() -> GcpCredentials.from(dev, () -> {
      throw new java.io.IOException("Your default credentials were not found.");
    }).authorization(URI.create("https://x/v1")));

    assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining("metadata server")
        .hasMessageContaining("gcloud auth application-default login");
  }

  @org.junit.jupiter.api.Test
  void from_portableCallTimeout_boundsConnectAndRead() {
    assertThat(GcpConfig.from(io.secretsbroker.spi.ProviderUri.parse("gcp://my-project", java.util.Map.of("secrets.provider.call-timeout", "3s"))).timeout())
        .isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(GcpConfig.from(io.secretsbroker.spi.ProviderUri.parse("gcp://my-project")).timeout())
        .isEqualTo(GcpConfig.DEFAULT_TIMEOUT);
  }
}
