package io.secretsbroker.jdbc.internal;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.Configuration;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Reads {@code secrets.jdbc.login-retry} the way the client reads its own keys (system property,
 * then environment variable {@code SECRETS_JDBC_LOGIN_RETRY}, then {@code secrets.properties} on the
 * classpath). The value is a duration as the client writes them ({@link Configuration#parseDuration}:
 * ISO-8601 {@code PT30S} or short {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d});
 * {@code 0} or {@code off} turns the retry off. Stateless.
 */
public final class JdbcSettings {
  public static final String LOGIN_RETRY = "secrets.jdbc.login-retry";
  public static final Duration DEFAULT_LOGIN_RETRY = Duration.ofSeconds(30);
  private static final Pattern ZERO = Pattern.compile("0+\\s*(ms|s|m|h|d)?");

  private JdbcSettings() {}

  /** The configured login retry, or the default (30 s). */
  public static Duration loginRetry() {
    String v = System.getProperty(LOGIN_RETRY);
    if (v == null) {
      v = System.getenv("SECRETS_JDBC_LOGIN_RETRY");
    }
    if (v == null) {
      v = fromClasspath();
    }
    return v == null || v.isBlank() ? DEFAULT_LOGIN_RETRY : parse(v);
  }

  /**
   * Parses a login-retry value as the client parses its durations
   * ({@link Configuration#parseDuration}); {@code off}, or zero in the short form ({@code 0},
   * {@code 0s}), is {@link Duration#ZERO} (no retry).
   */
  public static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("off") || ZERO.matcher(v).matches()) {
      return Duration.ZERO;
    }
    try {
      return Configuration.parseDuration(LOGIN_RETRY, value);
    } catch (ConfigurationException e) {
      throw new ConfigurationException(e.getMessage() + " Or off, for no login retry.", e);
    }
  }

  private static String fromClasspath() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    if (cl == null) {
      cl = JdbcSettings.class.getClassLoader();
    }
    try (InputStream in = cl.getResourceAsStream("secrets.properties")) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty(LOGIN_RETRY);
    } catch (IOException e) {
      throw new ConfigurationException("Could not read secrets.properties from the classpath: " + e.getMessage(), e);
    }
  }
}
