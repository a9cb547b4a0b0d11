package io.secretsbroker.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.jdbc.internal.Connector;
import io.secretsbroker.jdbc.internal.CredentialSource;
import io.secretsbroker.jdbc.internal.DriverConnector;
import io.secretsbroker.jdbc.internal.RetryingDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A HikariCP pool whose credentials come from a database secret and survive its rotation.
 *
 * <pre>{@code
 * HikariConfig config = new HikariConfig();
 * config.setMaximumPoolSize(8);              // JDBC URL optional: built from host/port/dbname/engine
 * HikariDataSource pool = SecretsHikari.dataSource(client, "db", config);
 * }</pre>
 *
 * <ul>
 *   <li>Every new physical connection logs in with the secret's current credentials from the
 *       client's cache ({@link SecretsCredentialsProvider}).
 *   <li>When the client announces a new version ({@link SecretsClient#onRotate}), the pool
 *       soft-evicts: idle connections are closed at once, busy ones when they are returned, so new
 *       connections use the new password while running transactions finish on the old one. A
 *       login that had finished but not yet joined the pool at the eviction is out of its reach:
 *       the pool checks each connection at its first hand-out and evicts it (and takes another)
 *       when its login began before the last announced version.
 *   <li>A refused login ({@code 28P01}/{@code 28000}, MySQL 1045, SQL Server 18456) refreshes the
 *       secret once for all failing connections, retries with it, then with the {@code PREVIOUS} and
 *       {@code PENDING} versions, with jittered back-off, for up to {@code secrets.jdbc.login-retry}
 *       (30 s). Other SQL errors pass through untouched.
 * </ul>
 *
 * <p>The JDBC URL is {@code config}'s when set, else built from the secret
 * ({@link DatabaseSecret#jdbcUrl()}); a {@code DataSource} set on {@code config} is used instead of a
 * driver (it must support {@code getConnection(user, password)}). {@code config} is copied, not
 * changed; user name and password set on it are ignored.
 *
 * <p><b>Failures.</b> The secret is read and parsed before the pool starts, so a missing or
 * malformed secret fails here with the client's {@link io.secretsbroker.SecretsException}
 * ({@link io.secretsbroker.SecretFormatException} naming the missing field). Hikari's own start-up
 * errors ({@code PoolInitializationException}) are not wrapped. Closing the pool also stops the
 * rotation listener. Stateless and thread-safe.
 */
public final class SecretsHikari {
  private static final Logger log = LoggerFactory.getLogger("io.secretsbroker.jdbc");

  private SecretsHikari() {}

  /** A pool for {@code secretName} read through {@code client}; see the class comment. */
  public static HikariDataSource dataSource(SecretsClient client, String secretName, HikariConfig config) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(secretName, "secretName");
    Objects.requireNonNull(config, "config");
    return dataSource(SecretsCredentialsProvider.of(client, secretName), config);
  }

  /** A pool using {@code provider} (built with non-default fields or login retry); the pool closes it. */
  public static HikariDataSource dataSource(SecretsCredentialsProvider provider, HikariConfig config) {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(config, "config");
    CredentialSource source = provider.source();
    DatabaseSecret secret;
    try {
      secret = source.current(); // fail fast on a missing or malformed secret
    } catch (RuntimeException e) {
      provider.close();
      throw e;
    }
    HikariConfig c = new HikariConfig();
    config.copyStateTo(c);
    Connector connector;
    DataSource given = c.getDataSource();
    if (given != null) {
      connector = given::getConnection;
    } else {
      String url = c.getJdbcUrl() == null || c.getJdbcUrl().isBlank() ? secret.jdbcUrl() : c.getJdbcUrl();
      connector = DriverConnector.of(url, c.getDriverClassName(), c.getDataSourceProperties());
      c.setJdbcUrl(url);
    }
    RetryingDataSource retrying = new RetryingDataSource(source, connector);
    c.setDataSource(retrying);
    c.setCredentialsProvider(provider);
    c.setUsername(null);
    c.setPassword(null);
    AtomicReference<HikariDataSource> pool = new AtomicReference<>();
    AtomicReference<String> evictedFor = new AtomicReference<>();
    source.addRotationListener(v -> {
      HikariDataSource ds = pool.get();
      String version = v.versionId();
      if (ds == null || (version != null && version.equals(evictedFor.getAndSet(version)))) {
        return; // this version was already handled
      }
      HikariPoolMXBean mx = ds.getHikariPoolMXBean();
      if (mx != null) {
        mx.softEvictConnections(); // a login not yet in the pool's set is caught at hand-out (Pool)
        log.info("Secret '{}' has a new version {}; soft-evicted the connections of pool {}", source.secretName(),
            version, ds.getPoolName());
      }
    });
    try {
      HikariDataSource ds = new Pool(c, provider, retrying);
      pool.set(ds);
      evictedFor.set(secret.versionId());
      return ds;
    } catch (RuntimeException e) {
      provider.close();
      throw e;
    }
  }

  /**
   * Closes the provider (its rotation subscription) with the pool, and never hands out a connection
   * whose login began before the last announced rotation: one that finished its login before a
   * rotation's soft-evict but joined the pool after it, where the eviction could not mark it.
   * Hikari checks its own eviction mark at hand-out; this checks the login's generation there too
   * ({@link RetryingDataSource#loggedInBeforeRotation}), evicts such a connection and takes another,
   * each try with the pool's connection timeout.
   */
  private static final class Pool extends HikariDataSource {
    private final SecretsCredentialsProvider provider;
    private final RetryingDataSource logins;

    Pool(HikariConfig config, SecretsCredentialsProvider provider, RetryingDataSource logins) {
      super(config);
      this.provider = provider;
      this.logins = logins;
    }

    @Override
    public Connection getConnection() throws SQLException {
      while (true) {
        Connection c = super.getConnection();
        boolean stale;
        try {
          stale = logins.loggedInBeforeRotation(c);
        } catch (SQLException | RuntimeException e) {
          c.close();
          throw e;
        }
        if (!stale) {
          return c;
        }
        evictConnection(c); // closes it: it is ours, not in use
        log.debug("Secret '{}': a connection that logged in before the last rotation joined pool {} after its"
            + " eviction; evicted it at hand-out", provider.secretName(), getPoolName());
      }
    }

    @Override
    public void close() {
      try {
        super.close();
      } finally {
        provider.close();
      }
    }
  }
}
