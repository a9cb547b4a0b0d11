package io.secretsbroker.internal;

import io.secretsbroker.internal.client.Names;
import io.secretsbroker.spi.Suggest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.ProviderUri;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {

  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void load_sameKeyEverywhere_explicitThenSystemThenEnvThenFile() {
    Properties file = props("secrets.env", "file", "secrets.allow", "f", "secrets.provider", "local:///f",
        "secrets.name-template", "{name}");
    Map<String, String> env = Map.of("SECRETS_ENV", "env", "SECRETS_ALLOW", "e", "SECRETS_PROVIDER", "aws://");
    Properties system = props("secrets.env", "sys", "secrets.allow", "s");

    Settings s = Settings.load(Map.of("secrets.env", "explicit"), env, system, file);

    assertThat(s.get("secrets.env")).isEqualTo("explicit");
    assertThat(s.get("secrets.allow")).isEqualTo("s");
    assertThat(s.get("secrets.provider")).isEqualTo("aws://");
    assertThat(s.get("secrets.name-template")).isEqualTo("{name}");
  }

  @Test
  void load_typoInKey_namesNearestValidKey() {
    assertThatThrownBy(() -> Settings.of(Map.of("secrets.cache.refersh-after", "5m")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("secrets.cache.refersh-after")
        .hasMessageContaining("Did you mean 'secrets.cache.refresh-after'");
  }

  @Test
  void load_typoInSystemProperty_rejected() {
    assertThatThrownBy(() -> Settings.load(Map.of(), Map.of(), props("secrets.provder", "aws://"), new Properties()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("secrets.provider");
  }

  @Test
  void load_typoInEnvironmentVariable_namesNearestVariable() {
    assertThatThrownBy(() -> Settings.load(Map.of(), Map.of("SECRETS_CACHE_MAX_STAEL", "1h"), new Properties(),
        new Properties()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("SECRETS_CACHE_MAX_STALE");
  }

  @Test
  void load_unrelatedSecretsVariable_ignored() {
    Settings s = Settings.load(Map.of(), Map.of("SECRETS_MANAGER_ENDPOINT_FOR_OTHER_TOOL", "x"), new Properties(),
        new Properties());
    assertThat(s.asMap()).isEmpty();
  }

  @Test
  void load_typoInFile_rejected() {
    assertThatThrownBy(() -> Settings.load(Map.of(), Map.of(), new Properties(), props("secrets.alow", "db")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("secrets.allow")
        .hasMessageContaining("secrets.properties");
  }

  @Test
  void parseDuration_isoAndShortForms() {
    assertThat(Settings.parseDuration("k", "PT5M")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Settings.parseDuration("k", "5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Settings.parseDuration("k", "30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Settings.parseDuration("k", "250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Settings.parseDuration("k", "2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Settings.parseDuration("k", "1d")).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void parseDuration_malformed_namesKey() {
    assertThatThrownBy(() -> Settings.of(Map.of("secrets.cache.refresh-after", "five minutes")).duration(
        "secrets.cache.refresh-after", Duration.ZERO))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("secrets.cache.refresh-after=five minutes").hasMessageContaining("PT5M");
    assertThatThrownBy(() -> Settings.parseDuration("secrets.cache.max-stale", "-PT1M"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("positive");
  }

  @Test
  void build_malformedDuration_failsAtStartUp() {
    assertThatThrownBy(() -> SecretsClient.builder().provider(new FakeProvider()).ambientConfiguration(false)
        .property("secrets.cache.max-stale", "1 hour").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("secrets.cache.max-stale");
  }

  @Test
  void build_maxStaleShorterThanRefresh_rejected() {
    assertThatThrownBy(() -> SecretsClient.builder().provider(new FakeProvider()).ambientConfiguration(false)
        .property("secrets.cache.max-stale", "1m").property("secrets.cache.refresh-after", "5m").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least as long");
  }

  @Test
  void build_badInteger_namesKeyAndRange() {
    assertThatThrownBy(() -> SecretsClient.builder().provider(new FakeProvider()).ambientConfiguration(false)
        .property("secrets.cache.max-size", "lots").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("secrets.cache.max-size=lots");
  }

  @Test
  void build_unknownScheme_listsSchemesOnClasspath() {
    assertThatThrownBy(() -> SecretsClient.builder().ambientConfiguration(false)
        .property("secrets.provider", "gcp://project").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("No secret provider for scheme 'gcp'")
        .hasMessageContaining("Schemes on the classpath")
        .hasMessageContaining("secretsbroker-aws");
  }

  @Test
  void build_providerNotSet_saysHowToSetIt() {
    assertThatThrownBy(() -> SecretsClient.builder().ambientConfiguration(false).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("secrets.provider is not set");
  }

  @Test
  void names_aliasOutsideEnvironment_rejected() {
    assertThatThrownBy(() -> Names.from(Settings.of(Map.of("secrets.env", "prod",
        "secrets.alias.db", "staging/orders/db#password"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("outside this environment");
  }

  @Test
  void names_templateWithoutName_rejected() {
    assertThatThrownBy(() -> Names.from(Settings.of(Map.of("secrets.name-template", "{env}/x"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("{name}");
    assertThatThrownBy(() -> Names.from(Settings.of(Map.of("secrets.name-template", "{envv}/{name}"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown placeholder");
    assertThatThrownBy(() -> Names.from(Settings.of(Map.of("secrets.name-template", "{env}/{name}"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("secrets.env is not set");
  }

  @Test
  void names_customTemplate_appliesPrefixAndSuffix() {
    Names names = Names.from(Settings.of(Map.of("secrets.env", "prod", "secrets.name-template",
        "apps/{env}/{name}-v1")));
    assertThat(names.resolve("db").providerName()).isEqualTo("apps/prod/db-v1");
  }

  @Test
  void names_badAllowPattern_rejected() {
    assertThatThrownBy(() -> Names.from(Settings.of(Map.of("secrets.allow", "db*"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("prefix/*");
  }

  @Test
  void providerUri_unknownParameter_namesNearest() {
    ProviderUri uri = ProviderUri.parse("aws://?regoin=eu-west-1");
    assertThatThrownBy(() -> uri.requireOnly(Set.of("region", "endpoint", "stage", "profile")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'regoin'").hasMessageContaining("Did you mean 'region'");
  }

  @Test
  void providerUri_parsesParts() {
    ProviderUri uri = ProviderUri.parse("vault://vault.internal:8200/secret?auth=aws&role=orders",
        Map.of("secrets.env", "Prod"));
    assertThat(uri.scheme()).isEqualTo("vault");
    assertThat(uri.host()).contains("vault.internal");
    assertThat(uri.port()).isEqualTo(8200);
    assertThat(uri.path()).isEqualTo("/secret");
    assertThat(uri.params()).containsEntry("auth", "aws").containsEntry("role", "orders");
    assertThat(uri.isProduction()).isTrue();
    assertThat(ProviderUri.parse("aws://?region=eu-west-1").host()).isEmpty();
    assertThat(ProviderUri.parse("local:///tmp/dev.json").path()).isEqualTo("/tmp/dev.json");
  }

  @Test
  void providerUri_credentialsOrNoScheme_rejected() {
    assertThatThrownBy(() -> ProviderUri.parse("vault://root:hunter2@vault:8200/secret"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("must not carry credentials")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> ProviderUri.parse("my-vault.vault.azure.net"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("no scheme");
    assertThatThrownBy(() -> ProviderUri.parse("aws://?region=a&region=b"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("repeats");
  }

  @Test
  void suggest_distance_countsTranspositionAsOne() {
    assertThat(Suggest.distance("refersh", "refresh")).isEqualTo(1);
    assertThat(Suggest.nearest("zzzzzz", Set.of("secrets.env"))).isNull();
  }
}
