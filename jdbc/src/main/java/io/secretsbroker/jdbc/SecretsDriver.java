package io.secretsbroker.jdbc;

import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.jdbc.internal.CredentialSource;
import io.secretsbroker.jdbc.internal.DriverConnector;
import io.secretsbroker.jdbc.internal.JdbcSettings;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * A JDBC driver for URLs of the form {@code jdbc:secretsbroker:<driver-url>?secret=<name>}, for
 * example {@code jdbc:secretsbroker:postgresql://db.internal:5432/orders?secret=db&ssl=true}: it
 * removes {@code secretsbroker:} and the {@code secret} parameter, and connects through the real
 * driver ({@code jdbc:postgresql://db.internal:5432/orders?ssl=true}) with the current
 * {@code username}/{@code password} of the secret, read through the default client
 * ({@link Secrets#client()}). Registered through {@code META-INF/services/java.sql.Driver}, so
 * {@code DriverManager.getConnection(url)} and any pool configured with the URL find it.
 *
 * <p>Logins are retried across a rotation window as {@link SecretsDataSource} describes
 * ({@code secrets.jdbc.login-retry}). {@code user}/{@code password} properties passed in are
 * replaced by the secret's; other properties go to the real driver.
 *
 * <p><b>Failures.</b> A URL without {@code secret=} is an {@link SQLException} (SQLState
 * {@code 08001}) saying how to write it; the real driver's errors pass through; a missing or
 * malformed secret surfaces as the client's unchecked {@link io.secretsbroker.SecretsException}.
 * No credential appears in a message. <b>Threads.</b> Thread-safe: one credential source per
 * client and secret, created on first use.
 */
public final class SecretsDriver implements Driver {
  /** The URL prefix this driver accepts. */
  public static final String PREFIX = "jdbc:secretsbroker:";

  private record Key(SecretsClient client, String secret) {}

  private static final Map<Key, CredentialSource> SOURCES = new ConcurrentHashMap<>();

  static {
    try {
      DriverManager.registerDriver(new SecretsDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Public for {@link java.util.ServiceLoader}; use it through {@link DriverManager}. */
  public SecretsDriver() {}

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null; // JDBC: not ours
    }
    Parsed p = parse(url);
    SecretsClient client = Secrets.client();
    CredentialSource source = SOURCES.computeIfAbsent(new Key(client, p.secret),
        k -> new CredentialSource(client, p.secret, DatabaseSecret.Fields.defaults(), JdbcSettings.loginRetry()));
    DriverConnector connector = DriverConnector.of(p.targetUrl, null, info);
    return source.connect(connector);
  }

  record Parsed(String targetUrl, String secret) {}

  /** Splits {@code jdbc:secretsbroker:<driver-url>?secret=<name>[&...]}. */
  static Parsed parse(String url) throws SQLException {
    String rest = url.substring(PREFIX.length());
    int q = rest.indexOf('?');
    String secret = null;
    StringBuilder kept = new StringBuilder();
    if (q >= 0) {
      for (String param : rest.substring(q + 1).split("&")) {
        if (param.startsWith("secret=")) {
          secret = java.net.URLDecoder.decode(param.substring("secret=".length()), java.nio.charset.StandardCharsets.UTF_8);
        } else if (!param.isEmpty()) {
          kept.append(kept.length() == 0 ? '?' : '&').append(param);
        }
      }
      rest = rest.substring(0, q);
    }
    if (secret == null || secret.isBlank() || rest.isEmpty()) {
      throw new SQLException("A secretsbroker JDBC URL names the real driver's URL and the secret:"
          + " jdbc:secretsbroker:postgresql://host:5432/db?secret=<name>. This one has no "
          + (rest.isEmpty() ? "driver URL" : "secret= parameter") + ".", "08001");
    }
    return new Parsed("jdbc:" + rest + kept, secret);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    DriverPropertyInfo secret = new DriverPropertyInfo("secret", null);
    secret.description = "Name of the database secret (URL parameter)";
    secret.required = true;
    return new DriverPropertyInfo[] {secret};
  }

  @Override
  public int getMajorVersion() {
    return 0;
  }

  @Override
  public int getMinorVersion() {
    return 1;
  }

  @Override
  public boolean jdbcCompliant() {
    return false; // it delegates; compliance is the real driver's
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("java.util.logging is not used");
  }
}
