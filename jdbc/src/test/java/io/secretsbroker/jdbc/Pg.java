package io.secretsbroker.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One embedded PostgreSQL 14 for the whole test JVM (started on first use, about 4 s; stopped by
 * its shutdown hook). Authentication is real: {@code postgres} is trusted (the admin), every other
 * role logs in with SCRAM-SHA-256. Statements of kind DDL are logged ({@code log_statement=ddl})
 * to {@link #serverLog()}, so tests can prove that no password reaches it.
 */
final class Pg {
  private static EmbeddedPostgres pg;
  private static Path log;

  private Pg() {}

  static synchronized EmbeddedPostgres get() {
    if (pg == null) {
      try {
        log = Files.createTempFile("embedded-pg-", ".log");
        pg = EmbeddedPostgres.builder()
            .setServerConfig("log_statement", "ddl")
            .setServerConfig("logging_collector", "off")
            .setServerConfig("log_destination", "stderr")
            .setServerConfig("password_encryption", "scram-sha-256")
            .setServerConfig("max_connections", "200")
            .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()))
            .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return pg;
  }

  private static void writeHba(Path dir) {
    try {
      Files.writeString(dir.resolve("pg_hba.conf"), String.join("\n",
          "local all postgres trust",
          "host all postgres 127.0.0.1/32 trust",
          "host all postgres ::1/128 trust",
          "local all all scram-sha-256",
          "host all all 127.0.0.1/32 scram-sha-256",
          "host all all ::1/128 scram-sha-256", ""), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int port() {
    return get().getPort();
  }

  /** The superuser, trusted: the rotation's admin connection and the tests' own checks. */
  static DataSource admin() {
    return get().getPostgresDatabase();
  }

  /** A plain driver DataSource for database {@code postgres} without credentials (the target of SecretsDataSource). */
  static PGSimpleDataSource server() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"localhost"});
    ds.setPortNumbers(new int[] {port()});
    ds.setDatabaseName("postgres");
    return ds;
  }

  static String url() {
    return "jdbc:postgresql://localhost:" + port() + "/postgres";
  }

  /** Everything the server has logged so far. */
  static String serverLog() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void exec(String sql) {
    try (Connection c = admin().getConnection(); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("admin statement failed: " + e.getMessage(), e);
    }
  }

  /** Drops (if present) and creates a login role with a password (the statement is not DDL-logged: it is hashed). */
  static void createRole(String role, String password) {
    exec("DROP ROLE IF EXISTS " + quote(role + "_clone"));
    exec("DROP ROLE IF EXISTS " + quote(role));
    exec("CREATE ROLE " + quote(role) + " LOGIN PASSWORD '"
        + io.secretsbroker.jdbc.internal.ScramVerifier.of(password) + "'");
  }

  /** What an outside rotation script does to the database: a new password for the role. */
  static void alterPassword(String role, String password) {
    exec("ALTER ROLE " + quote(role) + " PASSWORD '" + io.secretsbroker.jdbc.internal.ScramVerifier.of(password) + "'");
  }

  static String quote(String id) {
    return '"' + id.replace("\"", "\"\"") + '"';
  }

  /** Opens a plain connection with these credentials (the test's own independent login check). */
  static Connection login(String user, String password) throws SQLException {
    return server().getConnection(user, password);
  }

  static Map<String, String> unused() {
    return Map.of();
  }
}
