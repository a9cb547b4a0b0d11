package io.secretsbroker.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class AwsSecretProviderFactoryTest {
  private final AwsSecretProviderFactory factory = new AwsSecretProviderFactory();

  private static AwsSettings parse(String uri) {
    return AwsSettings.parse(ProviderUri.parse(uri));
  }

  @Test
  void serviceLoader_findsFactoryForAwsScheme() {
    assertThat(ServiceLoader.load(SecretProviderFactory.class).stream().map(ServiceLoader.Provider::get)
        .filter(f -> f.scheme().equals("aws"))).singleElement().isInstanceOf(AwsSecretProviderFactory.class);
  }

  @Test
  void parse_allParameters_readsThem() {
    AwsSettings s = parse("aws://?region=eu-west-1&endpoint=http://127.0.0.1:4566&stage=AWSPENDING&profile=dev");

    assertThat(s.region()).isEqualTo("eu-west-1");
    assertThat(s.endpoint()).hasToString("http://127.0.0.1:4566");
    assertThat(s.stage()).isEqualTo("AWSPENDING");
    assertThat(s.profile()).isEqualTo("dev");
    assertThat(s.readTimeout()).isPositive();
    assertThat(s.connectTimeout()).isPositive();
  }

  @Test
  void parse_noStage_defaultsToAwsCurrent() {
    assertThat(parse("aws://?region=eu-west-1").stage()).isEqualTo("AWSCURRENT");
  }

  @Test
  void parse_unknownParameter_rejectedNamingNearest() {
    Throwable t = catchThrowable(() -> parse("aws://?regoin=eu-west-1"));

    assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining("regoin")
        .hasMessageContaining("region");
  }

  @Test
  void parse_plainHttpToRemoteHost_rejected() {
    Throwable t = catchThrowable(() -> parse("aws://?region=eu-west-1&endpoint=http://secrets.example.com"));

    assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining("https");
  }

  @Test
  void parse_httpsEndpoint_accepted() {
    assertThat(parse("aws://?region=eu-west-1&endpoint=https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com")
        .endpoint().getScheme()).isEqualTo("https");
  }

  @Test
  void parse_regionAsHost_rejectedWithHint() {
    assertThat(catchThrowable(() -> parse("aws://eu-west-1"))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("aws://?region=");
  }

  @Test
  void parse_emptyValue_rejected() {
    assertThat(catchThrowable(() -> parse("aws://?region=eu-west-1&stage="))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("stage");
  }

  @Test
  void parse_malformedRegion_rejected() {
    assertThat(catchThrowable(() -> parse("aws://?region=EU_WEST"))).isInstanceOf(ConfigurationException.class);
  }

  @Test
  void create_defaultCredentialChain_readsSystemPropertiesAndFetches() throws Exception {
    FakeSecretsManager aws = new FakeSecretsManager();
    aws.startServer();
    String oldKey = System.getProperty("aws.accessKeyId");
    String oldSecret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", "AKIDTESTONLY");
    System.setProperty("aws.secretAccessKey", "test-only-secret-key");
    try (SecretProvider p = factory.create(ProviderUri.parse("aws://?region=us-east-1&endpoint=" + aws.endpoint()))) {
      aws.seed("db", "hello".getBytes(StandardCharsets.UTF_8));

      assertThat(new String(p.fetch("db").value(), StandardCharsets.UTF_8)).isEqualTo("hello");
      assertThat(p.id()).startsWith("aws:us-east-1");
    } finally {
      restore("aws.accessKeyId", oldKey);
      restore("aws.secretAccessKey", oldSecret);
      aws.stopServer();
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void parse_portableCallTimeout_boundsTheSdkCallAndEachRead() {
    AwsSettings s = AwsSettings.parse(ProviderUri.parse("aws://?region=eu-west-1", java.util.Map.of("secrets.provider.call-timeout", "3s")));
    assertThat(s.apiCallTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(s.readTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(s.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(parse("aws://?region=eu-west-1").apiCallTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
  }
}
