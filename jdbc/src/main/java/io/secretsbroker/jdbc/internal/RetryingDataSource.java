package io.secretsbroker.jdbc.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The DataSource a {@code SecretsHikari} pool opens its physical connections through: each one
 * logs in with the secret's current credentials via {@link CredentialSource#connect}, so a refused
 * login is retried across the rotation window. The credentials Hikari passes (from the same
 * provider, a moment earlier) are not used: the current ones are read again from the cache.
 *
 * <p>Design note: the rotation race. On each announced version the pool soft-evicts, which marks
 * the connections in its set. A login that has finished here but has not joined that set yet
 * (Hikari still sets the connection up, then adds it) is out of the eviction's reach, and evicting
 * again when such a login returns from here would run before it joins, so it would miss it too.
 * So each physical connection is remembered with the rotation generation read before its login,
 * until the pool hands it out for the first time; the pool asks {@link #loggedInBeforeRotation}
 * then, and evicts it instead of handing it out when a rotation was announced since. After its
 * first hand-out a connection is in the pool's set, where every later soft-evict reaches it. A
 * login that straddled an announcement and was reopened with the new credentials is counted as
 * before it: it costs one spare login, never a stale hand-out. Thread-safe.
 */
public final class RetryingDataSource implements DataSource {
  private final CredentialSource source;
  private final Connector connector;
  /**
   * Connections opened here and not yet handed out, with the generation read before their login.
   * Keys are compared as the map does ({@code ==} first; drivers' connections keep Object's
   * identity equality). Closed ones are dropped at each login.
   */
  private final Map<Connection, Long> notHandedOut = new ConcurrentHashMap<>();
  private volatile PrintWriter logWriter;
  private volatile int loginTimeout;

  public RetryingDataSource(CredentialSource source, Connector connector) {
    this.source = source;
    this.connector = connector;
  }

  @Override
  public Connection getConnection() throws SQLException {
    long generation = source.generation(); // before the login: conservative
    Connection c = source.connect(connector);
    notHandedOut.keySet().removeIf(RetryingDataSource::closed); // closed by the pool before any hand-out
    notHandedOut.put(c, generation);
    return c;
  }

  /**
   * Called by the pool each time it is about to hand out {@code handedOut} (a connection of the
   * pool, unwrapped to the physical one opened here): true when this is its first hand-out and a
   * rotation was announced after its login began, so it may hold the old credentials and the
   * rotation's eviction may not have reached it. Lock-free; no map access while every connection
   * opened here has been handed out once.
   */
  public boolean loggedInBeforeRotation(Connection handedOut) throws SQLException {
    if (notHandedOut.isEmpty()) {
      return false;
    }
    Long generation = notHandedOut.remove(handedOut.unwrap(Connection.class));
    return generation != null && generation < source.generation();
  }

  private static boolean closed(Connection c) {
    try {
      return c.isClosed();
    } catch (SQLException e) {
      return true;
    }
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
