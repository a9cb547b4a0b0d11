package io.secretsbroker.spring.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import java.util.Objects;
import org.springframework.util.ClassUtils;

/**
 * Gives one Hikari pool the credentials held in a JSON secret ({@code {"username": ..., "password": ...}})
 * and makes it follow rotations.
 *
 * <p>On HikariCP 7 (Spring Boot 4.0) the pool gets a {@code HikariCredentialsProvider} that reads the
 * client's current value for every new connection; on HikariCP 6 (Spring Boot 3.5) the user name and
 * password are set on the pool and replaced through its config MXBean on rotation. Either way a
 * rotation then soft-evicts the pool: connections in use finish their work, idle ones are closed,
 * and new ones log in with the new password. No restart, no failed request.
 *
 * <p><b>Merge note:</b> this is the starter's own small bridge, written while the JDBC module
 * ({@code secretsbroker-jdbc}: {@code SecretsCredentialsProvider}, {@code SecretsHikari}, login
 * retry) was built on another branch. Once that module is merged, {@link #attach} should delegate
 * to it (the class is internal and referenced only by {@code SecretsAutoConfiguration}'s datasource
 * section).
 *
 * <p>Thread-safe: rotation may run on any thread.
 */
public final class HikariSecretCredentials {
  static final boolean HIKARI_CREDENTIALS_PROVIDER = ClassUtils.isPresent("com.zaxxer.hikari.HikariCredentialsProvider",
      HikariSecretCredentials.class.getClassLoader());

  private final HikariDataSource dataSource;
  private final SecretsClient client;
  private final String secret;
  private final String usernameField;
  private final String passwordField;
  private final boolean provider;

  private HikariSecretCredentials(HikariDataSource dataSource, SecretsClient client, String secret,
                                  String usernameField, String passwordField, boolean provider) {
    this.dataSource = dataSource;
    this.client = client;
    this.secret = secret;
    this.usernameField = usernameField;
    this.passwordField = passwordField;
    this.provider = provider;
  }

  /**
   * Sets the pool's credentials from {@code secret} (read now, so a missing secret or field fails
   * start-up naming it).
   *
   * @throws io.secretsbroker.SecretsException when the secret cannot be read or lacks a field
   */
  public static HikariSecretCredentials attach(HikariDataSource dataSource, SecretsClient client, String secret,
                                               String usernameField, String passwordField) {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(secret, "secret");
    HikariSecretCredentials c = new HikariSecretCredentials(dataSource, client, secret,
        usernameField == null ? "username" : usernameField, passwordField == null ? "password" : passwordField,
        HIKARI_CREDENTIALS_PROVIDER);
    String[] current = c.current(); // fail fast
    if (c.provider) {
      Hikari7.install(dataSource, c::current);
    } else {
      dataSource.setUsername(current[0]);
      dataSource.setPassword(current[1]);
    }
    return c;
  }

  /** The secret this pool follows. */
  public String secret() {
    return secret;
  }

  /** Whether the pool reads through a {@code HikariCredentialsProvider} (HikariCP 7). */
  public boolean usesCredentialsProvider() {
    return provider;
  }

  String[] current() {
    SecretValue v = client.value(secret);
    return new String[] {v.field(usernameField), v.field(passwordField)};
  }

  /** After a rotation of {@link #secret()}: new connections use the new credentials; idle ones are evicted. */
  public void rotated() {
    if (!provider) {
      String[] c = current();
      dataSource.getHikariConfigMXBean().setUsername(c[0]);
      dataSource.getHikariConfigMXBean().setPassword(c[1]);
    }
    HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
    if (pool != null) {
      pool.softEvictConnections();
    }
  }

  /** HikariCP 7 types, loaded only when present. */
  private static final class Hikari7 {
    static void install(HikariDataSource ds, java.util.function.Supplier<String[]> credentials) {
      ds.setCredentialsProvider(() -> {
        String[] c = credentials.get();
        return com.zaxxer.hikari.util.Credentials.of(c[0], c[1]);
      });
    }
  }
}
