package io.secretsbroker.examples.localdemo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.secretsbroker.Secrets;
import io.secretsbroker.jdbc.SecretsHikari;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A function handler that queries a database through a pool whose credentials come from the
 * secret {@code db} ({@link SecretsHikari}): the pool is built once per process, on the first
 * invocation, as a serverless function keeps it across warm invocations. The handler itself knows
 * nothing about rotation. Thread-safe.
 */
public final class OrdersDbFunction implements AutoCloseable {
  private volatile HikariDataSource pool;

  /** What one invocation returns: the request, the database login that served it, a count. */
  public record Response(String requestId, String login, long orders) {}

  public Response handle(String requestId) throws SQLException {
    try (Connection c = pool().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_user, count(*) FROM orders")) {
      rs.next();
      return new Response(requestId, rs.getString(1), rs.getLong(2));
    }
  }

  private HikariDataSource pool() {
    HikariDataSource p = pool;
    if (p == null) {
      synchronized (this) {
        p = pool;
        if (p == null) {
          HikariConfig config = new HikariConfig();
          config.setMaximumPoolSize(4);
          config.setPoolName("orders");
          p = SecretsHikari.dataSource(Secrets.client(), "db", config); // the URL comes from the secret
          pool = p;
        }
      }
    }
    return p;
  }

  @Override
  public void close() {
    HikariDataSource p = pool;
    if (p != null) {
      p.close();
    }
  }
}
