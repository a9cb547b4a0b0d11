package io.secretsbroker.quarkus.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.credentials.CredentialsProvider;
import io.quarkus.test.QuarkusUnitTest;
import io.secretsbroker.SecretFormatException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.testkit.InMemorySecretProvider;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import io.quarkus.builder.BuildChainBuilder;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ServiceProviderBuildItem;
import io.secretsbroker.spi.SecretProviderFactory;
import io.secretsbroker.testkit.InMemorySecretProviderFactory;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One Quarkus application on {@code memory://quarkus-config}: placeholders, JSON fields, defaults,
 * the names list, the bean and the credentials provider. The store is seeded from the test (which
 * runs in the application's class loader, so it sees the store the client opened); placeholders
 * are expanded when read, so they see the seeded values.
 */
class SecretsConfigSourceTest {
  static final String API_KEY = "k-7f3a-initial"; // secrets-guard:allow fake value of the memory:// test store
  static final String DB = "{\"username\":\"orders\",\"password\":\"pw-initial-31\"}"; // secrets-guard:allow fake JSON secret of the memory:// test store

  @RegisterExtension
  static final QuarkusUnitTest APP = new QuarkusUnitTest()
      .withEmptyApplication()
      // Agroal is on the test class path for DatasourceRotationTest: no datasource here
      .overrideConfigKey("quarkus.devservices.enabled", "false")
      .overrideConfigKey("quarkus.datasource.active", "false")
      .overrideConfigKey("secrets.provider", "memory://quarkus-config")
      .overrideConfigKey("secrets.allow", "db,api-key,plain,other")
      .overrideConfigKey("secrets.names", "db,api-key,plain")
      .overrideConfigKey("secrets.cache.refresh-after", "1h")
      .overrideConfigKey("app.api-key", "${secrets.api-key}")
      .overrideConfigKey("app.db-user", "${secrets.db.username}")
      .overrideConfigKey("app.db-missing", "${secrets.db.missing:fallback}")
      .overrideConfigKey("app.other", "${secrets.other:not-listed}")
      .overrideConfigKey("app.unknown", "${secrets.nowhere:no-such-secret}")
      .addBuildChainCustomizer(SecretsConfigSourceTest::assertServiceFilesRegistered)
      .setAfterAllCustomizer(SecretsConfigSourceTest::assertStoreClosedAtShutdown)
      .setLogRecordPredicate(r -> r instanceof ExtLogRecord ext && ext.getFormattedMessage().startsWith("Installed features"))
      .assertLogRecords(records -> assertThat(records)
          .anySatisfy(r -> assertThat(((ExtLogRecord) r).getFormattedMessage()).containsPattern("[\\[ ,]secretsbroker[,\\]]")));

  /**
   * A build step of the test: the build fails (and so this class) unless our SPI's ServiceLoader
   * file is registered for native images with the factories found on the class path.
   */
  static void assertServiceFilesRegistered(BuildChainBuilder chain) {
    chain.addBuildStep(context -> {
      List<String> factories = context.consumeMulti(ServiceProviderBuildItem.class).stream()
          .filter(i -> i.serviceDescriptorFile().endsWith("/" + SecretProviderFactory.class.getName()))
          .flatMap(i -> i.providers().stream())
          .toList();
      assertThat(factories).contains(InMemorySecretProviderFactory.class.getName());
      context.produce(new FeatureBuildItem("spi-check"));
    }).consumes(ServiceProviderBuildItem.class).produces(FeatureBuildItem.class).build();
  }

  @Inject
  Config config;

  @Inject
  SecretsClient client;

  @Inject
  @Named("secretsbroker")
  CredentialsProvider credentials;

  InMemorySecretProvider store;

  /**
   * Runs after the application stopped, in JUnit's class loader: the store the client opened (left
   * in the system properties by {@link #seed}, as an object of the application's class loader) must
   * have been closed with the client, i.e. the bean's disposer ran.
   */
  static void assertStoreClosedAtShutdown() {
    Object opened = System.getProperties().remove(STORE_KEY);
    assertThat(opened).as("a test stored the application's store").isNotNull();
    try {
      assertThat(opened.getClass().getMethod("closed").invoke(opened)).isEqualTo(true);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  static final String STORE_KEY = SecretsConfigSourceTest.class.getName() + ".store";

  @BeforeEach
  void seed() {
    store = InMemorySecretProvider.named("quarkus-config");
    System.getProperties().put(STORE_KEY, store);
    if (store.currentValue("api-key").isEmpty()) {
      store.seed("api-key", API_KEY).seed("db", DB).seed("plain", "not-json-value-9").seed("other", "x-other");
    }
  }

  @Test
  void placeholder_wholeValueAndJsonField_resolveThroughTheClient() {
    assertThat(config.getValue("app.api-key", String.class)).isEqualTo(API_KEY);
    assertThat(config.getValue("app.db-user", String.class)).isEqualTo("orders");
    assertThat(config.getValue("secrets.db.password", String.class)).isEqualTo("pw-initial-31");
  }

  @Test
  void placeholder_missingFieldOrSecret_fallsBackToTheDefault() {
    assertThat(config.getValue("app.db-missing", String.class)).isEqualTo("fallback");
    assertThat(config.getValue("app.unknown", String.class)).isEqualTo("no-such-secret");
  }

  @Test
  void placeholder_nameNotInSecretsNames_isNeverFetched() {
    long before = store.fetchCount("other");
    assertThat(config.getValue("app.other", String.class)).isEqualTo("not-listed");
    assertThat(store.fetchCount("other")).isEqualTo(before).isZero();
  }

  @Test
  void configKeys_areNotTakenForSecretNames_andTheStoreIsNeverListed() {
    assertThat(config.getValue("secrets.provider", String.class)).isEqualTo("memory://quarkus-config");
    assertThat(config.getValue("secrets.cache.refresh-after", String.class)).isEqualTo("1h");
    ConfigSource source = StreamSupport.stream(config.getConfigSources().spliterator(), false)
        .filter(s -> s.getName().equals("SecretsBrokerConfigSource")).findFirst().orElseThrow();
    assertThat(source.getPropertyNames()).isEmpty();
    config.getValue("app.api-key", String.class);
    assertThat(source.toString()).doesNotContain(API_KEY).doesNotContain("pw-initial-31");
    assertThat(config.getPropertyNames()).noneMatch(n -> n.equals("secrets.api-key") || n.equals("secrets.db"));
  }

  @Test
  void bean_isTheClientBehindThePlaceholders_oneProviderCallForManyReads() {
    config.getValue("app.api-key", String.class);
    long loads = store.fetchCount("api-key");
    for (int i = 0; i < 5; i++) {
      assertThat(config.getValue("app.api-key", String.class)).isEqualTo(client.get("api-key"));
    }
    assertThat(store.fetchCount("api-key")).isEqualTo(loads).isEqualTo(1);
  }

  @Test
  void rotation_refreshedValue_isWhatPlaceholdersResolveNext() {
    assertThat(config.getValue("app.api-key", String.class)).isEqualTo(API_KEY);
    store.seed("api-key", "k-7f3a-rotated"); // secrets-guard:allow fake value of the memory:// test store
    client.refresh("api-key");
    try {
      assertThat(config.getValue("app.api-key", String.class)).isEqualTo("k-7f3a-rotated");
    } finally {
      store.seed("api-key", API_KEY);
      client.refresh("api-key");
    }
  }

  @Test
  void credentialsProvider_jsonSecret_givesUserAndPassword() {
    assertThat(credentials.getCredentials("db")).containsExactlyInAnyOrderEntriesOf(Map.of(
        CredentialsProvider.USER_PROPERTY_NAME, "orders", CredentialsProvider.PASSWORD_PROPERTY_NAME, "pw-initial-31"));
  }

  @Test
  void credentialsProvider_notAJsonSecret_failsTypedWithoutTheValue() {
    assertThatThrownBy(() -> credentials.getCredentials("plain"))
        .isInstanceOf(SecretFormatException.class)
        .hasMessageContaining("'plain'")
        .hasMessageContaining("password")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-json-value-9"));
  }
}
