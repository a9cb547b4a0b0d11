package io.secretsbroker.jdbc;

import io.secretsbroker.SecretValue;
import io.secretsbroker.jdbc.internal.DatabaseTarget;
import io.secretsbroker.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Rotates a MySQL/MariaDB user's password, in the same two strategies as
 * {@link PostgresRotationTarget} ({@code app} / {@code app_clone} for alternating users).
 *
 * <p>{@code apply} runs {@code ALTER USER 'name'@'host' IDENTIFIED BY '...'} for every host entry of
 * the user (MySQL has no client-side hash for caching_sha2_password; its general and slow logs
 * rewrite the password of {@code ALTER USER} as {@code <secret>}). For alternating users the clone,
 * when missing, is created for each host of the base user and given the base user's grants (as
 * {@code SHOW GRANTS} lists them). {@code verify} logs in afresh with the candidate.
 *
 * <p><b>Failures</b> are {@link io.secretsbroker.RotationFailedException}s naming the user and the
 * SQLState, never a password. Immutable and thread-safe.
 */
public final class MySqlRotationTarget extends AbstractDatabaseTarget {
  private MySqlRotationTarget(DataSource admin, boolean alternating, DatabaseSecret.Fields fields) {
    super("MySQL", Objects.requireNonNull(admin, "admin"), alternating, Objects.requireNonNull(fields, "fields"));
  }

  /** Same user, new password, set through {@code admin} (a user with CREATE USER, or the user itself). */
  public static MySqlRotationTarget singleUser(DataSource admin) {
    return new MySqlRotationTarget(admin, false, DatabaseSecret.Fields.defaults());
  }

  /** Users {@code app} / {@code app_clone} in turn, set through {@code admin} (a user with CREATE USER). */
  public static MySqlRotationTarget alternatingUsers(DataSource admin) {
    return new MySqlRotationTarget(admin, true, DatabaseSecret.Fields.defaults());
  }

  /** The same target reading other JSON field names. */
  public MySqlRotationTarget withFields(DatabaseSecret.Fields fields) {
    return new MySqlRotationTarget(admin, alternating, fields);
  }

  @Override
  public void apply(SecretValue candidate, SecretValue current) throws Exception {
    DatabaseSecret c = DatabaseSecret.parse(candidate, fields);
    String user = c.username();
    String password = Sql.quoteLiteral(c.password(), true);
    try (Connection conn = admin.getConnection(); Statement st = conn.createStatement()) {
      List<String> hosts = hosts(conn, user);
      if (hosts.isEmpty() && alternating) {
        String base = DatabaseTarget.baseRole(user);
        for (String host : hosts(conn, base)) {
          String account = Sql.quoteLiteral(user, true) + "@" + Sql.quoteLiteral(host, true);
          st.execute("CREATE USER " + account + " IDENTIFIED BY " + password);
          for (String grant : grants(conn, base, host)) { // "GRANT ... TO `app`@`%`" becomes "... TO `app_clone`@`%`"
            st.execute(grant.replace(" TO `" + base + "`@", " TO `" + user + "`@")
                .replace(" TO '" + base + "'@", " TO '" + user + "'@"));
          }
        }
      } else {
        for (String host : hosts) {
          st.execute("ALTER USER " + Sql.quoteLiteral(user, true) + "@" + Sql.quoteLiteral(host, true)
              + " IDENTIFIED BY " + password);
        }
      }
    } catch (SQLException e) {
      throw DatabaseTarget.applyFailed("MySQL", candidate.name(), user, e);
    }
  }

  private static List<String> hosts(Connection conn, String user) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT host FROM mysql.user WHERE user = ?")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static List<String> grants(Connection conn, String user, String host) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SHOW GRANTS FOR "
        + Sql.quoteLiteral(user, true) + "@" + Sql.quoteLiteral(host, true))) {
      while (rs.next()) {
        String g = rs.getString(1);
        if (!g.startsWith("GRANT USAGE ON *.*")) {
          out.add(g);
        }
      }
    }
    return out;
  }
}
