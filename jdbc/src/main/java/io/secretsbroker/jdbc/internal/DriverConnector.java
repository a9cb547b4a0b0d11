package io.secretsbroker.jdbc.internal;

import io.secretsbroker.ConfigurationException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens connections through a JDBC driver for one URL; the credentials go in as properties. */
public final class DriverConnector implements Connector {
  private final String url;
  private final Driver driver;
  private final Properties base;

  private DriverConnector(String url, Driver driver, Properties base) {
    this.url = url;
    this.driver = driver;
    this.base = base;
  }

  /**
   * @param driverClassName null to find the driver for {@code url} through {@link DriverManager}
   * @throws ConfigurationException when no driver accepts the URL
   */
  public static DriverConnector of(String url, String driverClassName, Properties properties) {
    Properties base = new Properties();
    if (properties != null) {
      base.putAll(properties);
    }
    base.remove("user");
    base.remove("password");
    Driver driver;
    try {
      if (driverClassName != null && !driverClassName.isBlank()) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        Class<?> type = Class.forName(driverClassName, true, cl == null ? DriverConnector.class.getClassLoader() : cl);
        driver = (Driver) type.getDeclaredConstructor().newInstance();
      } else {
        driver = DriverManager.getDriver(url);
      }
    } catch (SQLException e) {
      throw new ConfigurationException("No JDBC driver on the classpath accepts the URL " + scheme(url)
          + "...; add the database's driver (for PostgreSQL org.postgresql:postgresql) or set driverClassName.", e);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new ConfigurationException("The JDBC driver class " + driverClassName + " cannot be loaded as a"
          + " java.sql.Driver; check the name and that its jar is on the classpath.", e);
    }
    return new DriverConnector(url, driver, base);
  }

  /** The URL up to its host part (URLs carry no credentials here, but keep messages short). */
  static String scheme(String url) {
    int i = url.indexOf("//");
    return i < 0 ? url : url.substring(0, i + 2);
  }

  public String url() {
    return url;
  }

  @Override
  public Connection connect(String username, String password) throws SQLException {
    Properties p = new Properties();
    p.putAll(base);
    p.setProperty("user", username);
    p.setProperty("password", password);
    Connection c = driver.connect(url, p);
    if (c == null) {
      throw new SQLException("The JDBC driver " + driver.getClass().getName() + " does not accept the URL "
          + scheme(url) + "...", "08001");
    }
    return c;
  }
}
