package io.secretsbroker.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spring.internal.SecretsDataSourcePostProcessor;
import io.secretsbroker.testkit.InMemorySecretProvider;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * secrets.datasource.secret=db on embedded PostgreSQL with password authentication: Boot's
 * auto-configured Hikari pool logs in with the secret's credentials, and after the role's password
 * and the secret are rotated, new connections log in with the new password without a restart.
 */
class DataSourceRotationTest {
  static final String PW1 = "pg-pw-one-5a"; // secrets-guard:allow test database password
  static final String PW2 = "pg-pw-two-8c"; // secrets-guard:allow test database password
  static EmbeddedPostgres pg;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(TestApp.Events.class)
  static class JdbcApp {}

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("data")).setCleanDataDirectory(true).start();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE app LOGIN PASSWORD '" + PW1 + "'");
    }
    // password authentication for everyone but the superuser the test uses to administer the role
    Files.writeString(dir.resolve("data/pg_hba.conf"), """
        host all postgres 127.0.0.1/32 trust
        host all postgres ::1/128 trust
        host all all 127.0.0.1/32 scram-sha-256
        host all all ::1/128 scram-sha-256
        """);
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("SELECT pg_reload_conf()");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  static String url() {
    return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
  }

  static String currentUser(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT current_user")) {
      r.next();
      return r.getString(1);
    }
  }

  @Test
  void pool_takesCredentialsFromTheSecret_andFollowsARotation() throws Exception {
    InMemorySecretProvider store = InMemorySecretProvider.named("spring-jdbc");
    store.seed("db", "{\"username\":\"app\",\"password\":\"" + PW1 + "\"}");
    assertThat(catchThrowable(() -> DriverManager.getConnection(url(), "app", "wrong"))).as("passwords are checked")
        .isInstanceOf(SQLException.class);

    try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(JdbcApp.class).web(WebApplicationType.NONE).run(
        "--spring.config.import=secretsbroker:db", "--secrets.provider=memory://spring-jdbc",
        "--secrets.datasource.secret=db", "--secrets.watch.interval=off", "--spring.datasource.url=" + url(),
        "--spring.datasource.hikari.maximum-pool-size=2")) {
      HikariDataSource ds = ctx.getBean(HikariDataSource.class);
      assertThat(currentUser(ds)).isEqualTo("app");
      assertThat(ds.getPassword()).as("no password on the pool's config with a credentials provider, or the secret's")
          .isIn(null, PW1);
      boolean boot4 = org.springframework.boot.SpringBootVersion.getVersion().startsWith("4.");
      assertThat(ctx.getBean(SecretsDataSourcePostProcessor.class).pools()).singleElement().satisfies(c -> {
        // Boot 4 manages HikariCP 7: secretsbroker-jdbc's SecretsHikari pool with its credentials provider;
        // Boot 3.5 manages HikariCP 6: Boot's pool over secretsbroker-jdbc's SecretsDataSource
        assertThat(c.usesCredentialsProvider()).isEqualTo(boot4);
        assertThat(c.pool()).isSameAs(ds);
        assertThat(c.toString()).doesNotContain(PW1);
      });
      if (boot4) {
        // compiled against HikariCP 6 as well, which has no getCredentialsProvider()
        assertThat(HikariDataSource.class.getMethod("getCredentialsProvider").invoke(ds))
            .isInstanceOf(io.secretsbroker.jdbc.SecretsCredentialsProvider.class);
      } else {
        assertThat(ds.getDataSource()).isInstanceOf(io.secretsbroker.jdbc.SecretsDataSource.class);
      }

      // rotate: the database first, then the secret (what a rotation target does)
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("ALTER ROLE app PASSWORD '" + PW2 + "'");
      }
      TestApp.Events events = ctx.getBean(TestApp.Events.class);
      events.rotation = new CountDownLatch(1);
      store.seed("db", "{\"username\":\"app\",\"password\":\"" + PW2 + "\"}");
      ctx.getBean(SecretsClient.class).refresh("db");
      assertThat(events.rotation.await(10, TimeUnit.SECONDS)).isTrue();

      // idle connections were evicted; new ones log in with the new password
      assertThat(ds.getHikariPoolMXBean().getTotalConnections()).isZero();
      assertThat(currentUser(ds)).isEqualTo("app");
      assertThat(catchThrowable(() -> DriverManager.getConnection(url(), "app", PW1))).as("old password is gone")
          .isInstanceOf(SQLException.class);
    }
  }

  /**
   * A rotation done outside the process (the database and the store change, the client has not
   * refreshed yet): the next new connection is refused with the cached password, and the JDBC
   * module's login retry refreshes the secret and logs in with the new one. No event, no restart.
   */
  @Test
  void loginRetry_bridgesARotationTheClientHasNotSeenYet() throws Exception {
    String pw3 = "pg-pw-three-1d"; // secrets-guard:allow test database password
    InMemorySecretProvider store = InMemorySecretProvider.named("spring-jdbc-retry");
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE retry_app LOGIN PASSWORD '" + PW1 + "'");
    }
    store.seed("db", "{\"username\":\"retry_app\",\"password\":\"" + PW1 + "\"}");
    try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(JdbcApp.class).web(WebApplicationType.NONE).run(
        "--spring.config.import=secretsbroker:db", "--secrets.provider=memory://spring-jdbc-retry",
        "--secrets.datasource.secret=db", "--secrets.watch.interval=off", "--spring.datasource.url=" + url(),
        "--secrets.jdbc.login-retry=10s", "--spring.datasource.hikari.maximum-pool-size=1",
        "--spring.datasource.hikari.minimum-idle=0")) {
      HikariDataSource ds = ctx.getBean(HikariDataSource.class);
      assertThat(currentUser(ds)).isEqualTo("retry_app");

      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("ALTER ROLE retry_app PASSWORD '" + pw3 + "'");
      }
      store.seed("db", "{\"username\":\"retry_app\",\"password\":\"" + pw3 + "\"}");
      ds.getHikariPoolMXBean().softEvictConnections(); // the next checkout opens a new connection

      assertThat(currentUser(ds)).isEqualTo("retry_app");
      assertThat(ctx.getBean(SecretsClient.class).value("db").field("password")).as("the retry refreshed the secret")
          .isEqualTo(pw3);
    }
  }

  @Test
  void badLoginRetry_failsStartUpNamingTheKey() {
    InMemorySecretProvider store = InMemorySecretProvider.named("spring-jdbc-bad");
    store.seed("db", "{\"username\":\"app\",\"password\":\"" + PW1 + "\"}");
    Throwable t = catchThrowable(() -> new SpringApplicationBuilder(JdbcApp.class).web(WebApplicationType.NONE).run(
        "--spring.config.import=secretsbroker:db", "--secrets.provider=memory://spring-jdbc-bad",
        "--secrets.datasource.secret=db", "--secrets.watch.interval=off", "--spring.datasource.url=" + url(),
        "--secrets.jdbc.login-retry=soon").close());
    assertThat(t).hasStackTraceContaining("secrets.jdbc.login-retry").hasStackTraceContaining("soon");
  }
}
