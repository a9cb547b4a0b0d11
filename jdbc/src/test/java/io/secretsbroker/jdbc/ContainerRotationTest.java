package io.secretsbroker.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The same rotations on real server images (PostgreSQL 16, MySQL 8.4) where Docker runs; skipped
 * cleanly where it does not (this build machine). The embedded PostgreSQL tests cover the rest.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerRotationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Container
  static final PostgreSQLContainer<?> POSTGRES = new PostgreSQLContainer<>("postgres:16-alpine");

  @Container
  static final MySQLContainer<?> MYSQL = new MySQLContainer<>("mysql:8.4");

  private static String secret(String engine, String host, int port, String db, String user, String pw) {
    ObjectNode n = JSON.createObjectNode();
    n.put("username", user);
    n.put("password", pw);
    n.put("engine", engine);
    n.put("host", host);
    n.put("port", port);
    n.put("dbname", db);
    return n.toString();
  }

  private static String currentUser(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void postgres_bothStrategies_withAPool() throws Exception {
    PGSimpleDataSource admin = new PGSimpleDataSource();
    admin.setURL(POSTGRES.getJdbcUrl());
    admin.setUser(POSTGRES.getUsername());
    admin.setPassword(POSTGRES.getPassword());
    String pw = "Pw" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE app LOGIN PASSWORD '" + io.secretsbroker.jdbc.internal.ScramVerifier.of(pw) + "'");
    }
    InMemorySecretProvider store = new InMemorySecretProvider().seed("db", secret("postgres", POSTGRES.getHost(),
        POSTGRES.getMappedPort(5432), POSTGRES.getDatabaseName(), "app", pw));
    try (SecretsClient client = Fixtures.client(store);
        HikariDataSource pool = SecretsHikari.dataSource(client, "db", new HikariConfig())) {
      client.rotate("db", DatabaseRotation.singleUser(admin));
      try (Connection c = pool.getConnection()) {
        assertThat(currentUser(c)).isEqualTo("app");
      }
      client.rotate("db", DatabaseRotation.alternatingUsers(admin));
      try (Connection c = pool.getConnection()) {
        assertThat(currentUser(c)).isEqualTo("app_clone");
      }
    }
  }

  @Test
  void mysql_singleUserAndAlternating() throws Exception {
    DataSource admin = new SimpleDriverDataSource(MYSQL.getJdbcUrl(), "root", MYSQL.getPassword());
    String pw = "Pw" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE USER 'app'@'%' IDENTIFIED BY '" + pw + "'");
      st.execute("GRANT SELECT ON " + MYSQL.getDatabaseName() + ".* TO 'app'@'%'");
    }
    InMemorySecretProvider store = new InMemorySecretProvider().seed("db", secret("mysql", MYSQL.getHost(),
        MYSQL.getMappedPort(3306), MYSQL.getDatabaseName(), "app", pw));
    try (SecretsClient client = Fixtures.client(store)) {
      DatabaseSecret single = DatabaseSecret.parse(client.rotate("db",
          DatabaseRotation.of(MySqlRotationTarget.singleUser(admin), false)));
      try (Connection c = DriverManager.getConnection(single.jdbcUrl(), single.username(), single.password())) {
        assertThat(c.isValid(5)).isTrue();
      }
      DatabaseSecret alt = DatabaseSecret.parse(client.rotate("db",
          DatabaseRotation.of(MySqlRotationTarget.alternatingUsers(admin), true)));
      assertThat(alt.username()).isEqualTo("app_clone");
      try (Connection c = DriverManager.getConnection(alt.jdbcUrl(), alt.username(), alt.password())) {
        assertThat(c.isValid(5)).isTrue();
      }
    }
  }

  /** The smallest DataSource over DriverManager, for the MySQL admin. */
  record SimpleDriverDataSource(String url, String user, String password) implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }

    @Override
    public Connection getConnection(String u, String p) throws SQLException {
      return DriverManager.getConnection(url, u, p);
    }

    @Override
    public java.io.PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(java.io.PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public java.util.logging.Logger getParentLogger() {
      return java.util.logging.Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }

    @Override
    public String toString() {
      return "SimpleDriverDataSource[" + url + "]";
    }
  }
}
