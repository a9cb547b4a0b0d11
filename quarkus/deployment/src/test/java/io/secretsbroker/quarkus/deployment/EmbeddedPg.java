package io.secretsbroker.quarkus.deployment;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One embedded PostgreSQL per test JVM, started before Quarkus boots. The test class is loaded
 * twice (by JUnit, then in the application's class loader), so the port is shared through a
 * system property rather than a static field. The superuser {@code postgres} is trusted; every
 * other role logs in with a SCRAM password, so a wrong password really fails.
 */
final class EmbeddedPg {
  private static final String PORT = "secretsbroker.test.pg.port";
  static final String ROLE = "orders_app";

  private EmbeddedPg() {}

  static synchronized int port() {
    String known = System.getProperty(PORT);
    if (known != null) {
      return Integer.parseInt(known);
    }
    try {
      Path hba = Files.createTempFile("pg_hba", ".conf");
      Files.writeString(hba, String.join("\n",
          "local all postgres trust",
          "host all postgres 127.0.0.1/32 trust",
          "host all postgres ::1/128 trust",
          "host all all 127.0.0.1/32 scram-sha-256",
          "host all all ::1/128 scram-sha-256", ""));
      EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("hba_file", hba.toString()).start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
      System.setProperty(PORT, Integer.toString(pg.getPort()));
      return pg.getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port() + "/postgres";
  }

  /** Runs one statement as the superuser. */
  static void asSuperuser(String sql) throws SQLException {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(jdbcUrl());
    ds.setUser("postgres");
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
