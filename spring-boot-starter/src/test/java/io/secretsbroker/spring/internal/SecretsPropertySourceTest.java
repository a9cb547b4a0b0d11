package io.secretsbroker.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class SecretsPropertySourceTest {
  InMemorySecretProvider store;
  SecretsRuntime runtime;

  @BeforeEach
  void setUp() {
    store = InMemorySecretProvider.named("ps-unit");
    store.seed("db", "{\"username\":\"app\",\"password\":\"unit-pw\"}"); // secrets-guard:allow test fixture
    store.seed("db.password", "whole-name-wins"); // secrets-guard:allow test fixture
    store.seed("stripe/live", "unit-stripe"); // secrets-guard:allow test fixture
    store.seed("plain", "not json");
    runtime = SecretsRuntime.create(Map.of("secrets.provider", "memory://ps-unit", "secrets.guard", "off",
        "secrets.audit", "off"));
  }

  @AfterEach
  void tearDown() {
    runtime.destroy();
  }

  SecretsPropertySource source(List<String> names, String allow) {
    return new SecretsPropertySource("secretsbroker:", runtime, names, NamePatterns.parse(allow));
  }

  @Test
  void getProperty_resolvesValuesAndJsonFields_onlyForPermittedNames() {
    SecretsPropertySource s = source(List.of(), "db,stripe/*,plain");
    assertThat(s.getProperty("secrets.db.username")).isEqualTo("app");
    assertThat(s.getProperty("secrets.stripe/live")).isEqualTo("unit-stripe");
    assertThat(s.getProperty("secrets.stripe/")).isNull();
    assertThat(s.getProperty("secrets.db.missing")).as("no such field").isNull();
    assertThat(s.getProperty("secrets.plain.field")).as("not JSON").isNull();
    assertThat(s.getProperty("secrets.other")).as("not permitted").isNull();
    assertThat(s.getProperty("secrets.stripe/test")).as("permitted, absent").isNull();
    assertThat(s.getProperty("other.db")).isNull();
    assertThat(runtime.trackedNames()).contains("db", "stripe/live");
    assertThat(store.fetchCount("other")).isZero();
  }

  @Test
  void getProperty_aPermittedWholeNameWinsOverAField() {
    assertThat(source(List.of(), "db,db.password").getProperty("secrets.db.password")).isEqualTo("whole-name-wins");
    assertThat(source(List.of(), "db").getProperty("secrets.db.password")).isEqualTo("unit-pw");
  }

  @Test
  void getProperty_neverLooksUpConfigurationKeysOrWholePlaceholderTexts() {
    SecretsPropertySource s = source(List.of(), "*");
    store.resetCounts();
    for (String key : List.of("secrets.provider", "secrets.allow", "secrets.cache.refresh-after", "secrets.guard",
        "secrets.guard.allow-env", "secrets.alias.db", "secrets.datasource.secret", "secrets.watch.interval",
        "secrets.db.missing:fallback", "secrets.${x}", "secrets.")) {
      assertThat(s.getProperty(key)).as(key).isNull();
    }
    assertThat(store.callCount()).isZero();
  }

  @Test
  void getProperty_explicitNamesRestrictResolution() {
    SecretsPropertySource s = source(List.of("db"), "*");
    assertThat(s.getProperty("secrets.db.username")).isEqualTo("app");
    assertThat(s.getProperty("secrets.plain")).isNull();
    assertThat(s.prefetchNames()).containsExactly("db");
    assertThat(source(List.of(), "db,stripe/*").prefetchNames()).containsExactly("db");
  }

  @Test
  void getProperty_providerFailure_isThrownNotHidden() {
    SecretsPropertySource s = source(List.of(), "fresh");
    store.seed("fresh", "x");
    store.failAlways(() -> new ProviderUnavailableException("down (test)"));
    assertThatThrownBy(() -> s.getProperty("secrets.fresh")).isInstanceOf(ProviderUnavailableException.class);
  }

  @Test
  void parseNames_splitsOnSemicolons_andRefusesCommasAndWildcards() {
    assertThat(SecretsConfigDataLocationResolver.parseNames("db; stripe/live;;db")).containsExactly("db", "stripe/live");
    assertThat(SecretsConfigDataLocationResolver.parseNames("")).isEmpty();
    assertThatThrownBy(() -> SecretsConfigDataLocationResolver.parseNames("stripe/*"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("secrets.allow");
  }

  @Test
  void namePatterns_matchExactPrefixAndAny() {
    NamePatterns p = NamePatterns.parse(" db , stripe/* ");
    assertThat(p.matches("db")).isTrue();
    assertThat(p.matches("stripe/live")).isTrue();
    assertThat(p.matches("stripe/")).isFalse();
    assertThat(p.matches("dbx")).isFalse();
    assertThat(NamePatterns.parse("*").matches("anything")).isTrue();
    assertThat(NamePatterns.parse(null).isEmpty()).isTrue();
    assertThat(p.exactNames()).containsExactly("db");
  }

  @Test
  void springSettings_bindRelaxedNames_andKeepUnknownOnesForTheClientToRefuse() {
    Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
        "secrets.provider", "memory://x",
        "secrets.cache.refreshAfter", "10m",
        "secrets.breaker.wait-open", "5s",
        "secrets.alias.db", "prod/db#password",
        "secrets.datasource.secret", "db",
        "secrets.cache.refesh-after", "1m",
        "other.key", "ignored")));
    Map<String, String> s = SpringSettings.bind(binder);
    assertThat(s).containsEntry("secrets.provider", "memory://x")
        .containsEntry("secrets.cache.refresh-after", "10m")
        .containsEntry("secrets.breaker.wait-open", "5s")
        .containsEntry("secrets.alias.db", "prod/db#password")
        .containsEntry("secrets.datasource.secret", "db")
        .containsEntry("secrets.cache.refesh-after", "1m")
        .doesNotContainKey("other.key");
    assertThatThrownBy(() -> SecretsRuntime.create(s)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("secrets.cache.refesh-after").hasMessageContaining("secrets.cache.refresh-after");
  }
}
