package io.secretsbroker.jdbc;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.util.Credentials;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.jdbc.internal.CredentialSource;
import io.secretsbroker.jdbc.internal.JdbcSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * HikariCP 7's credentials provider backed by a database secret: every new physical connection
 * takes the current {@code username} and {@code password} of the secret from the client's cache,
 * so the connection path makes no provider call while the value is cached (the client refreshes
 * it ahead of expiry in the background).
 *
 * <p>Used alone ({@code config.setCredentialsProvider(SecretsCredentialsProvider.of(client, "db"))})
 * it only hands out credentials. {@link SecretsHikari#dataSource} adds what makes a rotation a
 * non-event: soft eviction on each new version, and the login retry across the rotation window.
 *
 * <p><b>Failures.</b> {@link #getCredentials()} throws the client's {@link
 * io.secretsbroker.SecretsException}s (not found, denied, unavailable) and a
 * {@link io.secretsbroker.SecretFormatException} for a secret that is not a database secret;
 * Hikari reports them as a failed connection attempt. Nothing thrown or logged holds a credential.
 *
 * <p><b>Threads.</b> Thread-safe; Hikari calls it from its connection-adder threads. Close it (or
 * the pool from {@link SecretsHikari}) to stop listening for rotations.
 */
public final class SecretsCredentialsProvider implements HikariCredentialsProvider, AutoCloseable {
  private final CredentialSource source;

  private SecretsCredentialsProvider(CredentialSource source) {
    this.source = source;
  }

  /** Credentials from {@code secretName} with the default fields and {@code secrets.jdbc.login-retry}. */
  public static SecretsCredentialsProvider of(SecretsClient client, String secretName) {
    return builder(client, secretName).build();
  }

  public static Builder builder(SecretsClient client, String secretName) {
    return new Builder(client, secretName);
  }

  @Override
  public Credentials getCredentials() {
    DatabaseSecret s = source.current();
    return Credentials.of(s.username(), s.password());
  }

  /** The current credentials as parsed from the secret. */
  public DatabaseSecret secret() {
    return source.current();
  }

  /** The secret's name. */
  public String secretName() {
    return source.secretName();
  }

  CredentialSource source() {
    return source;
  }

  /** Stops listening for rotations. Idempotent. */
  @Override
  public void close() {
    source.close();
  }

  @Override
  public String toString() {
    return "SecretsCredentialsProvider[secret=" + source.secretName() + "]";
  }

  /** Builds a {@link SecretsCredentialsProvider}; not thread-safe. */
  public static final class Builder {
    private final SecretsClient client;
    private final String secretName;
    private DatabaseSecret.Fields fields = DatabaseSecret.Fields.defaults();
    private Duration loginRetry;

    private Builder(SecretsClient client, String secretName) {
      this.client = Objects.requireNonNull(client, "client");
      this.secretName = Objects.requireNonNull(secretName, "secretName");
    }

    /** The JSON field names, when they differ from the AWS RDS shape. */
    public Builder fields(DatabaseSecret.Fields fields) {
      this.fields = Objects.requireNonNull(fields, "fields");
      return this;
    }

    /**
     * How long a refused login is retried with refreshed, previous and pending credentials
     * (default: {@code secrets.jdbc.login-retry}, else 30 s); {@link Duration#ZERO} turns the retry off.
     */
    public Builder loginRetry(Duration loginRetry) {
      Objects.requireNonNull(loginRetry, "loginRetry");
      if (loginRetry.isNegative()) {
        throw new IllegalArgumentException("loginRetry must not be negative, was " + loginRetry);
      }
      this.loginRetry = loginRetry;
      return this;
    }

    public SecretsCredentialsProvider build() {
      Duration retry = loginRetry != null ? loginRetry : JdbcSettings.loginRetry();
      return new SecretsCredentialsProvider(new CredentialSource(client, secretName, fields, retry));
    }
  }
}
