package io.secretsbroker.jdbc;

import io.secretsbroker.SecretValue;
import io.secretsbroker.jdbc.internal.DatabaseTarget;
import io.secretsbroker.jdbc.internal.ScramVerifier;
import io.secretsbroker.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Rotates a PostgreSQL role's password for {@link io.secretsbroker.SecretsClient#rotate}, in one of
 * the two strategies AWS documents for database secrets:
 *
 * <ul>
 *   <li>{@link #singleUser}: the secret's role keeps its name and gets the candidate's password.
 *       Between {@code apply} and promotion the old password no longer works; consumers bridge the
 *       gap with the login retry ({@link SecretsHikari}, {@link SecretsDataSource}).
 *   <li>{@link #alternatingUsers}: two roles, {@code app} and {@code app_clone}; each rotation
 *       moves the secret to the other role with a fresh password, so the current credentials keep
 *       working until the next rotation and there is no window at all. The clone is created on the
 *       first rotation ({@code CREATE ROLE "app_clone" LOGIN} and {@code GRANT "app" TO "app_clone"},
 *       so it has the privileges of {@code app}).
 * </ul>
 *
 * <p>{@code apply} runs {@code ALTER ROLE "name" WITH PASSWORD '<SCRAM-SHA-256 verifier>'} through
 * a connection from {@code admin}: the identifier is quoted and the password is hashed on the
 * client, so the server's statement log ({@code log_statement=ddl}) never sees it in clear.
 * {@code verify} logs in afresh with the candidate (at the secret's host when it has one, else at
 * the admin connection's server) and checks {@code current_user}. {@code apply} is idempotent and
 * runs in both directions, as a rotation's undo needs.
 *
 * <p><b>Failures</b> are {@link io.secretsbroker.RotationFailedException}s saying which role and
 * what right is missing, with the SQLState; never a password. <b>Threads</b>: immutable and
 * thread-safe; each call takes its own connection from {@code admin}.
 */
public final class PostgresRotationTarget extends AbstractDatabaseTarget {
  private PostgresRotationTarget(DataSource admin, boolean alternating, DatabaseSecret.Fields fields) {
    super("PostgreSQL", Objects.requireNonNull(admin, "admin"), alternating, Objects.requireNonNull(fields, "fields"));
  }

  /** Same role, new password, set through {@code admin} (a role with CREATEROLE, or the role itself). */
  public static PostgresRotationTarget singleUser(DataSource admin) {
    return new PostgresRotationTarget(admin, false, DatabaseSecret.Fields.defaults());
  }

  /** Roles {@code app} / {@code app_clone} in turn, set through {@code admin} (a role with CREATEROLE). */
  public static PostgresRotationTarget alternatingUsers(DataSource admin) {
    return new PostgresRotationTarget(admin, true, DatabaseSecret.Fields.defaults());
  }

  /** The same target reading other JSON field names. */
  public PostgresRotationTarget withFields(DatabaseSecret.Fields fields) {
    return new PostgresRotationTarget(admin, alternating, fields);
  }

  @Override
  public void apply(SecretValue candidate, SecretValue current) throws Exception {
    DatabaseSecret c = DatabaseSecret.parse(candidate, fields);
    String role = c.username();
    String verifier = ScramVerifier.of(c.password());
    try (Connection conn = admin.getConnection(); Statement st = conn.createStatement()) {
      if (alternating && !exists(conn, role)) {
        String base = DatabaseTarget.baseRole(role);
        st.execute("CREATE ROLE " + Sql.quoteIdentifier(role) + " WITH LOGIN PASSWORD "
            + Sql.quoteLiteral(verifier, false));
        if (!base.equals(role)) {
          st.execute("GRANT " + Sql.quoteIdentifier(base) + " TO " + Sql.quoteIdentifier(role));
        }
      } else {
        st.execute("ALTER ROLE " + Sql.quoteIdentifier(role) + " WITH PASSWORD " + Sql.quoteLiteral(verifier, false));
      }
      if (!conn.getAutoCommit()) {
        conn.commit();
      }
    } catch (SQLException e) {
      throw DatabaseTarget.applyFailed("PostgreSQL", candidate.name(), role, e);
    }
  }

  private static boolean exists(Connection conn, String role) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
