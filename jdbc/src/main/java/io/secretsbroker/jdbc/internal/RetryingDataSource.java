package io.secretsbroker.jdbc.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The DataSource a {@code SecretsHikari} pool opens its physical connections through: each one
 * logs in with the secret's current credentials via {@link CredentialSource#connect}, so a refused
 * login is retried across the rotation window. The credentials Hikari passes (from the same
 * provider, a moment earlier) are not used: the current ones are read again from the cache.
 * Thread-safe.
 */
public final class RetryingDataSource implements DataSource {
  private final CredentialSource source;
  private final Connector connector;
  private volatile PrintWriter logWriter;
  private volatile int loginTimeout;

  public RetryingDataSource(CredentialSource source, Connector connector) {
    this.source = source;
    this.connector = connector;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return source.connect(connector);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return source.connect(connector);
  }

  @Override
  public PrintWriter getLogWriter() {
    return logWriter;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    this.logWriter = out;
  }

  @Override
  public void setLoginTimeout(int seconds) {
    this.loginTimeout = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeout;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("java.util.logging is not used");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("Not a wrapper of " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  @Override
  public String toString() {
    return "RetryingDataSource[" + source + "]";
  }
}
