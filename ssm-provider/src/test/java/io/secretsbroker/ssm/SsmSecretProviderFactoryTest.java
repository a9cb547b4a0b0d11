package io.secretsbroker.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SsmSecretProviderFactoryTest {
  @RegisterExtension
  static final FakeParameterStore SSM = new FakeParameterStore();

  private final SsmSecretProviderFactory factory = new SsmSecretProviderFactory();

  private static SsmSettings parse(String uri) {
    return SsmSettings.parse(ProviderUri.parse(uri));
  }

  @Test
  void serviceLoader_findsFactoryForSsmScheme() {
    assertThat(ServiceLoader.load(SecretProviderFactory.class).stream().map(ServiceLoader.Provider::get)
        .filter(f -> f.scheme().equals("ssm"))).singleElement().isInstanceOf(SsmSecretProviderFactory.class);
  }

  @Test
  void parse_allParameters_readsThem() {
    SsmSettings s = parse("ssm://?region=eu-west-1&endpoint=http://127.0.0.1:4566&kms-key=alias/orders");

    assertThat(s.region()).isEqualTo("eu-west-1");
    assertThat(s.endpoint()).hasToString("http://127.0.0.1:4566");
    assertThat(s.kmsKey()).isEqualTo("alias/orders");
    assertThat(s.readTimeout()).isPositive();
    assertThat(s.connectTimeout()).isPositive();
    assertThat(s.apiCallTimeout()).isPositive();
  }

  @Test
  void parse_keyArn_accepted() {
    assertThat(parse("ssm://?region=eu-west-1&kms-key=arn:aws:kms:eu-west-1:111122223333:key/"
        + "1234abcd-12ab-34cd-56ef-1234567890ab").kmsKey()).startsWith("arn:aws:kms:");
  }

  @Test
  void parse_noKey_defaultsToNull() {
    assertThat(parse("ssm://?region=eu-west-1").kmsKey()).isNull();
  }

  @Test
  void parse_unknownParameter_rejectedNamingNearest() {
    Throwable t = catchThrowable(() -> parse("ssm://?region=eu-west-1&kms_key=alias/x"));

    assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining("kms_key")
        .hasMessageContaining("kms-key");
    assertThat(catchThrowable(() -> parse("ssm://?region=eu-west-1&stage=AWSCURRENT")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("stage");
  }

  @Test
  void parse_plainHttpToRemoteHost_rejected() {
    Throwable t = catchThrowable(() -> parse("ssm://?region=eu-west-1&endpoint=http://ssm.example.com"));

    assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining("https");
  }

  @Test
  void parse_httpsEndpoint_andHttpToLoopback_accepted() {
    assertThat(parse("ssm://?region=eu-west-1&endpoint=https://vpce-1.ssm.eu-west-1.vpce.amazonaws.com")
        .endpoint().getScheme()).isEqualTo("https");
    assertThat(parse("ssm://?region=eu-west-1&endpoint=http://localhost:4566").endpoint().getHost())
        .isEqualTo("localhost");
  }

  @Test
  void parse_regionAsHost_rejectedWithHint() {
    assertThat(catchThrowable(() -> parse("ssm://eu-west-1"))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("ssm://?region=");
  }

  @Test
  void parse_emptyOrMalformedValues_rejected() {
    assertThat(catchThrowable(() -> parse("ssm://?region=eu-west-1&kms-key="))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("kms-key");
    assertThat(catchThrowable(() -> parse("ssm://?region=EU_WEST"))).isInstanceOf(ConfigurationException.class);
    assertThat(catchThrowable(() -> parse("ssm://?region=eu-west-1&kms-key=alias/a%20b")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("alias/");
  }

  @Test
  void parse_credentialInQuery_rejected() {
    assertThat(catchThrowable(() -> parse("ssm://?region=eu-west-1&secret-key=abc"))) // secrets-guard:allow negative test of a refused parameter
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("credential");
  }

  @Test
  void create_withRegionAndEndpoint_buildsProviderNamingRegion() {
    try (SecretProvider p = factory.create(ProviderUri.parse("ssm://?region=eu-west-1&endpoint=http://127.0.0.1:1"))) {
      assertThat(p.id()).isEqualTo("ssm:eu-west-1@127.0.0.1:1");
      assertThat(p.supportsStaging()).isTrue();
    }
  }

  @Test
  void fromUri_readsKmsKey_andRefusesBadUri() {
    try (SsmSecretProvider p = SsmSecretProvider.fromUri("ssm://?region=eu-west-1&kms-key=alias/orders")) {
      assertThat(p.kmsKey()).isEqualTo("alias/orders");
      assertThat(p.toString()).isEqualTo("SsmSecretProvider[ssm:eu-west-1, kms-key=alias/orders]");
    }
    assertThat(catchThrowable(() -> SsmSecretProvider.fromUri("ssm://?regio=eu-west-1")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("region");
  }

  /** The whole path a function takes: properties, env template, ServiceLoader, SSM's wire protocol. */
  @Test
  void client_fromProperties_readsHierarchicalParameterThroughEnvTemplate() {
    SSM.seed("prod/db", "from-ssm", "SecureString");
    System.setProperty("aws.accessKeyId", "AKIDTESTONLY"); // secrets-guard:allow fake test credentials
    System.setProperty("aws.secretAccessKey", "test-only-secret-key"); // secrets-guard:allow fake test credentials
    try (SecretsClient client = SecretsClient.builder()
        .ambientConfiguration(false)
        .properties(Map.of("secrets.provider", "ssm://?region=us-east-1&endpoint=" + SSM.endpoint(),
            "secrets.env", "prod", "secrets.guard", "off"))
        .build()) {
      assertThat(client.get("db")).isEqualTo("from-ssm");
      assertThat(SSM.requests("GetParameter").get(0).get("Name").asText()).isEqualTo("/prod/db");
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  @Test
  void parse_portableCallTimeout_boundsTheSdkCallAndEachRead() {
    SsmSettings s = SsmSettings.parse(ProviderUri.parse("ssm://?region=eu-west-1", java.util.Map.of("secrets.provider.call-timeout", "3s")));
    assertThat(s.apiCallTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(s.readTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(parse("ssm://?region=eu-west-1").apiCallTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
  }
}
