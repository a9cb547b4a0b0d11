package io.secretsbroker.jdbc.internal;

import io.secretsbroker.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code secrets.jdbc.login-retry} the way the client reads its own keys (system property,
 * then environment variable {@code SECRETS_JDBC_LOGIN_RETRY}, then {@code secrets.properties} on the
 * classpath). The value is a duration, ISO-8601 ({@code PT30S}) or short ({@code 500ms},
 * {@code 30s}, {@code 2m}); {@code 0} or {@code off} turns the retry off. Stateless.
 */
public final class JdbcSettings {
  public static final String LOGIN_RETRY = "secrets.jdbc.login-retry";
  public static final Duration DEFAULT_LOGIN_RETRY = Duration.ofSeconds(30);
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

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

  /** Parses a login-retry value; zero or {@code off} is {@link Duration#ZERO} (no retry). */
  public static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("off") || v.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = SHORT.matcher(v);
    Duration d;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    } else {
      try {
        d = Duration.parse(value.trim());
      } catch (DateTimeParseException e) {
        throw new ConfigurationException(LOGIN_RETRY + "=" + value + " is not a duration. Use ISO-8601 (PT30S),"
            + " a short form (500ms, 30s, 2m), or off.", e);
      }
    }
    if (d.isNegative()) {
      throw new ConfigurationException(LOGIN_RETRY + "=" + value + " is negative; use a positive duration or off.");
    }
    return d;
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
