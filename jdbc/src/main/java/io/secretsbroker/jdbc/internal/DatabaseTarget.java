package io.secretsbroker.jdbc.internal;

import io.secretsbroker.RotationFailedException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.jdbc.DatabaseSecret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * What the PostgreSQL and MySQL targets share, as static helpers (the public targets do not
 * expose this type): the role names of the alternating strategy, and verify (a fresh login with
 * the candidate through the driver, at the URL built from the secret when it has
 * {@code engine}/{@code host}, else at the admin connection's URL without its parameters, then a
 * check that the server sees the candidate's user). Stateless and thread-safe.
 */
public final class DatabaseTarget {
  /** The suffix AWS's alternating-users rotation gives the second role. */
  public static final String CLONE_SUFFIX = "_clone";

  private DatabaseTarget() {}

  /** {@code app} for {@code app} and {@code app_clone}. */
  public static String baseRole(String username) {
    return username.endsWith(CLONE_SUFFIX) && username.length() > CLONE_SUFFIX.length()
        ? username.substring(0, username.length() - CLONE_SUFFIX.length()) : username;
  }

  /** The other role of the pair: {@code app} to {@code app_clone} and back. */
  public static String otherRole(String username) {
    String base = baseRole(username);
    return base.equals(username) ? username + CLONE_SUFFIX : base;
  }

  /** A fresh login with {@code candidate}; throws {@link RotationFailedException} when it fails. */
  public static void verify(DataSource admin, DatabaseSecret.Fields fields, String engineName, SecretValue candidate) {
    Objects.requireNonNull(candidate, "candidate");
    DatabaseSecret c = DatabaseSecret.parse(candidate, fields);
    Properties p = new Properties();
    p.setProperty("user", c.username());
    p.setProperty("password", c.password());
    try (Connection conn = DriverManager.getConnection(loginUrl(admin, c), p); Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_user")) {
      rs.next();
      String user = rs.getString(1);
      int at = user.indexOf('@'); // MySQL: user@host
      String seen = at >= 0 ? user.substring(0, at) : user;
      if (!seen.equals(c.username())) {
        throw new RotationFailedException("A login with the new value of secret '" + candidate.name()
            + "' ended up as another user; check the " + engineName + " URL the rotation verifies against.");
      }
    } catch (SQLException e) {
      throw new RotationFailedException("A fresh " + engineName + " login as '" + c.username()
          + "' with the new value of secret '" + candidate.name() + "' failed (" + LoginFailures.describe(e)
          + "); the new value is not promoted.", e);
    }
  }

  private static String loginUrl(DataSource admin, DatabaseSecret c) throws SQLException {
    if (c.engine().isPresent() && c.host().isPresent()) {
      return c.jdbcUrl();
    }
    try (Connection conn = admin.getConnection()) {
      String url = conn.getMetaData().getURL();
      int q = url.indexOf('?');
      return q < 0 ? url : url.substring(0, q); // no parameters: they may name another user
    }
  }

  public static RotationFailedException applyFailed(String engine, String secret, String role, SQLException e) {
    return new RotationFailedException("Setting the new password of " + engine + " role '" + role + "' for secret '"
        + secret + "' failed (" + LoginFailures.describe(e) + "). The admin connection needs CREATEROLE (PostgreSQL)"
        + " or CREATE USER (MySQL) rights, or to be the role itself.", e);
  }
}
