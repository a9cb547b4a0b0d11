package io.secretsbroker.examples.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.secretsbroker.Secrets;
import io.secretsbroker.jdbc.SecretsHikari;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A Lambda function that queries a database through a connection pool whose credentials are the
 * RDS-shaped secret {@code orders-db} ({@code username}, {@code password}, {@code engine},
 * {@code host}, {@code port}, {@code dbname}). The pool is built on the first invocation of a
 * container and kept across warm ones; {@link SecretsHikari} keeps it working through a rotation
 * (soft eviction on each new version, and the login retry while the rotation's window is open), so
 * the handler has no rotation code at all.
 *
 * <p>A pool of 2 suits Lambda: one event at a time per container, plus one spare for the login of
 * a replacement connection. Lambda calls one instance per container, one event at a time; the
 * lazy pool is still built under a lock. A query error fails the invocation with its
 * {@link SQLException} (wrapped, unchecked); no credential reaches the response or a log line.
 */
public final class OrdersHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static volatile HikariDataSource pool;

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
    try (Connection c = pool().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
      rs.next();
      return Map.of("status", "ok", "orders", rs.getLong(1));
    } catch (SQLException e) {
      throw new IllegalStateException("Query failed (SQLState " + e.getSQLState() + ")", e);
    }
  }

  private static HikariDataSource pool() {
    HikariDataSource p = pool;
    if (p == null) {
      synchronized (OrdersHandler.class) {
        p = pool;
        if (p == null) {
          HikariConfig config = new HikariConfig();
          config.setMaximumPoolSize(2);
          config.setPoolName("orders");
          p = SecretsHikari.dataSource(Secrets.client(), "orders-db", config);
          pool = p;
        }
      }
    }
    return p;
  }

  /** Closes the pool (tests; Lambda freezes and discards containers instead). */
  static synchronized void closePool() {
    HikariDataSource p = pool;
    pool = null;
    if (p != null) {
      p.close();
    }
  }
}
