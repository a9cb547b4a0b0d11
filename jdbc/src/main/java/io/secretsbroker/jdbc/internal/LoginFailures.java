package io.secretsbroker.jdbc.internal;

import java.sql.SQLException;

/**
 * Which {@link SQLException}s mean "these credentials were refused" (and so are worth a retry with
 * refreshed ones): PostgreSQL SQLState {@code 28P01} (invalid password) and {@code 28000}
 * (invalid authorization, e.g. no such role), MySQL/MariaDB error 1045 (access denied), SQL
 * Server error 18456 (login failed). The whole cause chain is searched, since pools and wrappers
 * nest the driver's exception. Stateless.
 */
public final class LoginFailures {
  private LoginFailures() {}

  public static boolean isLoginFailure(Throwable t) {
    for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
      if (t instanceof SQLException e) {
        String state = e.getSQLState();
        if ("28P01".equals(state) || "28000".equals(state)) {
          return true;
        }
        int code = e.getErrorCode();
        if (code == 1045 || code == 18456) {
          return true;
        }
      }
    }
    return false;
  }

  /** The SQLState and vendor code, for log lines (never the message: it may quote the input). */
  public static String describe(SQLException e) {
    return "SQLState " + e.getSQLState() + ", vendor code " + e.getErrorCode();
  }
}
