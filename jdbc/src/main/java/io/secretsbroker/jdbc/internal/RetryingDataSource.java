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
  private final java.util.concurrent.atomic.AtomicReference<Runnable> beforeNextOpen =
      new java.util.concurrent.atomic.AtomicReference<>();
  private volatile PrintWriter logWriter;
  private volatile int loginTimeout;

  public RetryingDataSource(CredentialSource source, Connector connector) {
    this.source = source;
    this.connector = connector;
  }

  /**
   * Runs {@code task} once at the start of the next physical login. A pool creates connections one
   * after another on its adder thread, so by then the connection opened before has been added to
   * the pool: the pool's rotation listener uses it to evict again a connection whose login finished
   * just before an eviction but joined the pool just after it.
   */
  public void beforeNextOpen(Runnable task) {
    beforeNextOpen.set(task);
  }

  @Override
  public Connection getConnection() throws SQLException {
    Runnable task = beforeNextOpen.getAndSet(null);
    if (task != null) {
      task.run();
    }
    return source.connect(connector);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
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
