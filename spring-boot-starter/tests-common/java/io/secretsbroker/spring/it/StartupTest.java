package io.secretsbroker.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.SecretsException;
import io.secretsbroker.spring.internal.SecretsWatcher;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Start-up variants: explicit names, optional imports, typos, no import, closing, the watcher. */
class StartupTest {
  static final String STORE = "spring-startup";

  /** A client's close unregisters a named store: each test seeds it afresh. */
  @BeforeEach
  void seed() {
    InMemorySecretProvider provider = InMemorySecretProvider.named(STORE);
    provider.seed("db", "{\"username\":\"app\",\"password\":\"startup-pw-31\"}"); // secrets-guard:allow test fixture
    provider.seed("api-key", "startup-key-77"); // secrets-guard:allow test fixture
    provider.seed("other", "startup-other-12"); // secrets-guard:allow test fixture
  }

  static ConfigurableApplicationContext run(String... args) {
    String[] all = new String[args.length + 1];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--secrets.watch.interval=off";
    return new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE).run(all);
  }

  static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + t, t);
  }

  @Test
  void runsOnTheExpectedBootLine() {
    assertThat(SpringBootVersion.getVersion()).isEqualTo(System.getProperty("expected.spring-boot.version"));
  }

  @Test
  void explicitNames_areTheOnlyOnesResolved() {
    try (ConfigurableApplicationContext ctx = run("--spring.config.import=secretsbroker:db;api-key",
        "--secrets.provider=memory://" + STORE)) {
      assertThat(ctx.getEnvironment().getProperty("secrets.db.username")).isEqualTo("app");
      assertThat(ctx.getEnvironment().getProperty("secrets.api-key")).isEqualTo("startup-key-77");
      assertThat(ctx.getEnvironment().getProperty("secrets.other")).as("not named by the import").isNull();
    }
  }

  @Test
  void explicitName_missingInStore_failsStartup() {
    Throwable t = catchThrowable(() -> run("--spring.config.import=secretsbroker:db;nope",
        "--secrets.provider=memory://" + STORE));
    assertThat(find(t, SecretNotFoundException.class)).hasMessageContaining("nope");
  }

  @Test
  void optionalImport_missingSecret_startsAndDefaultsApply() {
    try (ConfigurableApplicationContext ctx = run("--spring.config.import=optional:secretsbroker:nope",
        "--secrets.provider=memory://" + STORE)) {
      assertThat(ctx.getEnvironment().resolvePlaceholders("${secrets.nope:fallback}")).isEqualTo("fallback");
    }
  }

  @Test
  void optionalImport_withoutProvider_startsWithoutClient() {
    try (ConfigurableApplicationContext ctx = run("--spring.config.import=optional:secretsbroker:")) {
      assertThat(ctx.getBeanNamesForType(SecretsClient.class)).isEmpty();
      assertThat(ctx.getEnvironment().resolvePlaceholders("${secrets.db:dev}")).isEqualTo("dev");
    }
  }

  @Test
  void unknownSecretsKey_failsStartupNamingTheNearestKey() {
    Throwable t = catchThrowable(() -> run("--spring.config.import=secretsbroker:db",
        "--secrets.provider=memory://" + STORE, "--secrets.cache.refesh-after=5m"));
    assertThat(find(t, ConfigurationException.class)).hasMessageContaining("secrets.cache.refesh-after")
        .hasMessageContaining("secrets.cache.refresh-after");
  }

  @Test
  void unknownSecretsKey_withoutImport_failsStartupToo() {
    Throwable t = catchThrowable(() -> run("--secrets.provider=memory://" + STORE, "--secrets.alow=db"));
    assertThat(find(t, ConfigurationException.class)).hasMessageContaining("secrets.allow");
  }

  @Test
  void importWithoutNames_failsSayingHowToNameThem() {
    Throwable t = catchThrowable(() -> run("--spring.config.import=secretsbroker:",
        "--secrets.provider=memory://" + STORE));
    assertThat(find(t, ConfigurationException.class)).hasMessageContaining("secrets.allow")
        .hasMessageContaining("secretsbroker:db;stripe");
  }

  @Test
  void withoutImport_providerSet_clientBeanAndHealthExist() {
    try (ConfigurableApplicationContext ctx = run("--secrets.provider=memory://" + STORE, "--secrets.allow=db")) {
      SecretsClient client = ctx.getBean(SecretsClient.class);
      assertThat(client.get("db")).contains("app");
      assertThat(Health.of(ctx).status()).isEqualTo("UP");
    }
  }

  @Test
  void withoutProvider_starterStaysInactive() {
    try (ConfigurableApplicationContext ctx = run()) {
      assertThat(ctx.getBeanNamesForType(SecretsClient.class)).isEmpty();
    }
  }

  @Test
  void closingTheContext_closesTheClient() {
    SecretsClient client;
    try (ConfigurableApplicationContext ctx = run("--spring.config.import=secretsbroker:db",
        "--secrets.provider=memory://" + STORE)) {
      client = ctx.getBean(SecretsClient.class);
      assertThat(client.get("db")).isNotEmpty();
    }
    // the API reports a closed client as a SecretsException saying so (ClientClosedException once the API throws it)
    assertThat(catchThrowable(() -> client.get("db"))).isInstanceOf(SecretsException.class).hasMessageContaining("is closed");
  }

  @Test
  void healthIndicator_matchesTheBootLine() {
    try (ConfigurableApplicationContext ctx = run("--spring.config.import=secretsbroker:db",
        "--secrets.provider=memory://" + STORE)) {
      String expected = SpringBootVersion.getVersion().startsWith("4.") ? "Boot4SecretsHealthIndicator"
          : "Boot3SecretsHealthIndicator";
      assertThat(Health.of(ctx).indicatorClass()).endsWith(expected);
    }
  }

  @Test
  void watcher_seesARotationWithoutAnyoneReading() throws Exception {
    InMemorySecretProvider store = InMemorySecretProvider.named("spring-watch");
    store.seed("db", "{\"username\":\"app\",\"password\":\"watch-pw-1\"}"); // secrets-guard:allow test fixture
    try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
        .run("--spring.config.import=secretsbroker:db", "--secrets.provider=memory://spring-watch",
            "--secrets.cache.refresh-after=1ms", "--secrets.watch.interval=1h",
            "--app.db.password=${secrets.db.password}")) {
      TestApp.Events events = ctx.getBean(TestApp.Events.class);
      events.rotation = new CountDownLatch(1);
      store.seed("db", "{\"username\":\"app\",\"password\":\"watch-pw-2\"}"); // secrets-guard:allow test fixture
      ctx.getBean(SecretsWatcher.class).tick(); // what the scheduler does every interval
      assertThat(events.rotation.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ctx.getBean(TestApp.DbProperties.class).getPassword()).isEqualTo("watch-pw-2");
    }
  }
}
