package io.secretsbroker.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing {@code vault://...}: defaults, TLS rules, per-method parameters, and the factory. */
class VaultSettingsTest {

  private static VaultSettings parse(String uri) {
    return VaultSettings.parse(ProviderUri.parse(uri));
  }

  private static Throwable parseError(String uri) {
    return catchThrowable(() -> parse(uri));
  }

  @Test
  void parse_defaults_httpsPort8200MountSecret() {
    VaultSettings s = parse("vault://vault.internal?auth=aws&role=orders");

    assertThat(s.endpoint.toString()).isEqualTo("https://vault.internal:8200");
    assertThat(s.mount).isEqualTo("secret");
    assertThat(s.timeout).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.method).isEqualTo(VaultSettings.Method.AWS);
    assertThat(s.authMount).isEqualTo("aws");
    assertThat(s.namespace).isNull();
  }

  @Test
  void parse_fullUri_readsEverything() {
    VaultSettings s = parse("vault://vault.internal:8201/team/kv/?auth=kubernetes&role=orders&namespace=/eng/"
        + "&auth-mount=k8s-prod&timeout=5&dynamic=database/creds,aws/creds/");

    assertThat(s.endpoint.toString()).isEqualTo("https://vault.internal:8201");
    assertThat(s.mount).isEqualTo("team/kv");
    assertThat(s.namespace).isEqualTo("eng");
    assertThat(s.authMount).isEqualTo("k8s-prod");
    assertThat(s.timeout).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.isDynamic("database/creds/readonly")).isTrue();
    assertThat(s.isDynamic("aws/creds/deploy")).isTrue();
    assertThat(s.isDynamic("database/credsX/a")).isFalse();
    assertThat(s.isDynamic("prod/database/creds/a")).isFalse();
  }

  @Test
  void parse_plainHttp_onlyToLoopback() {
    assertThat(parse("vault+http://127.0.0.1:8200/secret?auth=aws").endpoint.toString())
        .isEqualTo("http://127.0.0.1:8200");
    assertThat(parse("vault://localhost/secret?auth=aws&tls=false").endpoint.getScheme()).isEqualTo("http");

    assertThat(parseError("vault+http://vault.internal:8200/secret?auth=aws"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("plain http");
    assertThat(parseError("vault://vault.internal/secret?auth=aws&tls=false"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("plain http");
    assertThat(parseError("vault://vault.internal/secret?auth=aws&tls=maybe"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("true or false");
  }

  @Test
  void parse_unknownParameter_namesNearest() {
    assertThat(parseError("vault://v/secret?auth=aws&namspace=x")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'namspace'").hasMessageContaining("namespace");
  }

  @Test
  void parse_parameterOfAnotherMethod_isRejected() {
    assertThat(parseError("vault://v/secret?auth=aws&role-id=abc")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'role-id'").hasMessageContaining("does not apply to auth=aws");
  }

  @Test
  void parse_missingOrUnknownAuth_isRejected() {
    assertThat(parseError("vault://v/secret")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no auth parameter");
    assertThat(parseError("vault://v/secret?auth=kubernets&role=a")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("kubernetes");
  }

  @Test
  void parse_requiredParameters_areNamed() {
    assertThat(parseError("vault://v/secret?auth=kubernetes")).hasMessageContaining("'role'");
    assertThat(parseError("vault://v/secret?auth=azure")).hasMessageContaining("'role'");
    assertThat(parseError("vault://v/secret?auth=jwt&role=a")).hasMessageContaining("'token-file'");
    assertThat(parseError("vault://v/secret?auth=approle&secret-id-file=/f")).hasMessageContaining("'role-id'");
    assertThat(parseError("vault://v/secret?auth=approle&role-id=r")).hasMessageContaining("exactly one");
    assertThat(parseError("vault://v/secret?auth=approle&role-id=r&secret-id-file=/a&wrapped-secret-id-file=/b"))
        .hasMessageContaining("exactly one");
  }

  @Test
  void parse_tokenFileInProduction_isRefused() {
    Throwable t = catchThrowable(() -> VaultSettings.parse(ProviderUri.parse("vault://v/secret?auth=token-file",
        Map.of("secrets.env", "prod"))));

    assertThat(t).isInstanceOf(ConfigurationException.class).hasMessageContaining("local development");
  }

  @Test
  void parse_badMountOrTimeout_isRejected() {
    assertThat(parseError("vault://v/a/../b?auth=aws")).isInstanceOf(ConfigurationException.class);
    assertThat(parseError("vault://v/secret?auth=aws&timeout=soon")).hasMessageContaining("timeout");
    assertThat(parseError("vault://v/secret?auth=aws&timeout=PT0S")).hasMessageContaining("positive");
  }

  @Test
  void sslContext_privateCaPem_isTrusted() throws URISyntaxException {
    Path pem = Path.of(getClass().getResource("/test-ca.pem").toURI());

    SSLContext ctx = VaultHttp.sslContext(pem);

    assertThat(ctx.getProtocol()).isEqualTo("TLS");
  }

  @Test
  void sslContext_notPem_isConfigurationError(@TempDir Path dir) throws Exception {
    Path junk = Files.writeString(dir.resolve("ca.pem"), "not a certificate");

    assertThat(catchThrowable(() -> VaultHttp.sslContext(junk))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("ca-file");
    assertThat(catchThrowable(() -> VaultHttp.sslContext(dir.resolve("missing.pem"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("cannot be read");
  }

  @Test
  void factory_isFoundForBothSchemes_andBuildsWithoutNetwork() {
    SecretProviderFactory found = null;
    for (SecretProviderFactory f : ServiceLoader.load(SecretProviderFactory.class)) {
      if (f.schemes().contains("vault")) {
        found = f;
      }
    }
    assertThat(found).isInstanceOf(VaultSecretProviderFactory.class);
    assertThat(found.schemes()).containsExactlyInAnyOrder("vault", "vault+http");

    try (SecretProvider p = found.create(ProviderUri.parse("vault://vault.internal:8200/kv?auth=aws&role=orders"))) {
      assertThat(p.id()).isEqualTo("vault:vault.internal/kv");
      assertThat(p.toString()).contains("auth=aws");
    }
  }

  @Test
  void parse_noTimeoutParameter_takesThePortableCallTimeout_theParameterWins() {
    assertThat(VaultSettings.parse(ProviderUri.parse("vault://v/secret?auth=aws&role=r", java.util.Map.of("secrets.provider.call-timeout", "3s"))).timeout)
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(VaultSettings.parse(ProviderUri.parse("vault://v/secret?auth=aws&role=r&timeout=5", java.util.Map.of("secrets.provider.call-timeout", "3s"))).timeout)
        .isEqualTo(Duration.ofSeconds(5));
  }
}
