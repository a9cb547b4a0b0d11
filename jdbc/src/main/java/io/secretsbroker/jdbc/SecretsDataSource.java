package io.secretsbroker.jdbc;

import io.secretsbroker.SecretsClient;
import io.secretsbroker.jdbc.internal.CredentialSource;
import io.secretsbroker.jdbc.internal.JdbcSettings;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that logs in to {@code target} (the driver's own DataSource, such as
 * PostgreSQL's {@code PGSimpleDataSource}) with the credentials of a database secret, for code
 * that has no Hikari: any other pool, or none.
 *
 * <p>{@link #getConnection()} takes the secret's current {@code username}/{@code password} from the
 * client's cache (no provider call while cached) and calls {@code target.getConnection(user,
 * password)}. A refused login ({@code 28P01}/{@code 28000}, MySQL 1045, SQL Server 18456) refreshes
 * the secret once for all threads that failed with the same credentials, retries with it, then
 * with the {@code PREVIOUS} and {@code PENDING} versions, with jittered back-off, for up to
 * {@code secrets.jdbc.login-retry} (default 30 s); then it throws an
 * {@link java.sql.SQLInvalidAuthorizationSpecException} that says what to check. Any other
 * {@link SQLException} from {@code target} passes through untouched. A connection whose login
 * straddled a rotation announcement is reopened with the new credentials. There is no pool here,
 * so nothing is evicted: a pool in front of this DataSource should cap connection lifetime.
 *
 * <p>{@link #getConnection(String, String)} passes explicit credentials straight to the target.
 * A missing or malformed secret surfaces as the client's unchecked
 * {@link io.secretsbroker.SecretsException}. Nothing thrown or logged holds a credential.
 *
 * <p><b>Threads.</b> Thread-safe. {@link #close()} stops listening for rotations (the target is not
 * closed).
 */
public final class SecretsDataSource implements DataSource, AutoCloseable {
  private final CredentialSource source;
  private final DataSource target;

  /** Credentials from {@code secretName} (default fields, {@code secrets.jdbc.login-retry}). */
  public SecretsDataSource(SecretsClient client, String secretName, DataSource target) {
    this(client, secretName, target, DatabaseSecret.Fields.defaults(), JdbcSettings.loginRetry());
  }

  /** With other JSON field names and login retry ({@link Duration#ZERO}: no retry). */
  public SecretsDataSource(SecretsClient client, String secretName, DataSource target, DatabaseSecret.Fields fields,
      Duration loginRetry) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(secretName, "secretName");
    this.target = Objects.requireNonNull(target, "target");
    Objects.requireNonNull(fields, "fields");
    Objects.requireNonNull(loginRetry, "loginRetry");
    this.source = new CredentialSource(client, secretName, fields, loginRetry);
  }

  SecretsDataSource(CredentialSource source, DataSource target) {
    this.source = source;
    this.target = target;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return source.connect(target::getConnection);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return target.getConnection(username, password);
  }

  /** The current credentials as parsed from the secret. */
  public DatabaseSecret secret() {
    return source.current();
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return target.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    return target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || target.isWrapperFor(iface);
  }

  /** Stops listening for rotations. Idempotent. */
  @Override
  public void close() {
    source.close();
  }

  @Override
  public String toString() {
    return "SecretsDataSource[secret=" + source.secretName() + "]";
  }
}
