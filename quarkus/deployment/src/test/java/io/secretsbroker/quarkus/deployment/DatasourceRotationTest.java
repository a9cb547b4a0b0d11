package io.secretsbroker.quarkus.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.QuarkusUnitTest;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.testkit.InMemorySecretProvider;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Agroal datasource takes its credentials from the JSON secret {@code db} through the
 * {@code secretsbroker} credentials provider; the role's password is rotated on the server
 * mid-test, and new connections use the new password once the client has it, without a restart
 * and without a provider call per connection.
 */
class DatasourceRotationTest {
  static final String OLD = "pw-old-5521"; // secrets-guard:allow fake database password of the embedded PostgreSQL
  static final String NEW = "pw-new-8830"; // secrets-guard:allow fake database password of the embedded PostgreSQL

  @RegisterExtension
  static final QuarkusUnitTest APP = new QuarkusUnitTest()
      .withApplicationRoot(jar -> jar.addClasses(EmbeddedPg.class))
      .overrideConfigKey("secrets.provider", "memory://quarkus-db")
      .overrideConfigKey("secrets.allow", "db")
      .overrideConfigKey("quarkus.datasource.db-kind", "postgresql")
      .overrideConfigKey("quarkus.datasource.devservices.enabled", "false")
      .overrideConfigKey("quarkus.datasource.jdbc.url", EmbeddedPg.jdbcUrl())
      .overrideConfigKey("quarkus.datasource.jdbc.max-size", "8")
      // Quarkus's semantics: credentials-provider is the key handed to getCredentials (our secret
      // name), credentials-provider-name the @Named bean
      .overrideConfigKey("quarkus.datasource.credentials-provider", "db")
      .overrideConfigKey("quarkus.datasource.credentials-provider-name", "secretsbroker")
      // the spelling (provider = our bean's name, provider-name = the secret) works too
      .overrideConfigKey("quarkus.datasource.legacy.db-kind", "postgresql")
      .overrideConfigKey("quarkus.datasource.legacy.jdbc.url", EmbeddedPg.jdbcUrl())
      .overrideConfigKey("quarkus.datasource.legacy.credentials-provider", "secretsbroker")
      .overrideConfigKey("quarkus.datasource.legacy.credentials-provider-name", "db");

  @Inject
  AgroalDataSource dataSource;

  @Inject
  @DataSource("legacy")
  AgroalDataSource legacy;

  @Inject
  SecretsClient client;

  @Test
  void rotatedPassword_reachesNewConnections_fromTheCache() throws SQLException {
    InMemorySecretProvider store = InMemorySecretProvider.named("quarkus-db");
    EmbeddedPg.asSuperuser("CREATE ROLE " + EmbeddedPg.ROLE + " LOGIN PASSWORD '" + OLD + "'");
    store.seed("db", json(OLD));

    try (Connection first = dataSource.getConnection(); Connection legacyFirst = legacy.getConnection()) {
      assertThat(currentUser(first)).isEqualTo(EmbeddedPg.ROLE);
      assertThat(currentUser(legacyFirst)).isEqualTo(EmbeddedPg.ROLE);

      // the server rotates; the client still holds the old password: a new connection fails
      EmbeddedPg.asSuperuser("ALTER ROLE " + EmbeddedPg.ROLE + " PASSWORD '" + NEW + "'");
      assertThatThrownBy(dataSource::getConnection)
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(messages(e)).doesNotContain(OLD).doesNotContain(NEW));

      // the store gets the new version, the client refreshes: new connections use it
      store.seed("db", json(NEW));
      client.refresh("db");
      long fetches = store.fetchCount("db");
      try (Connection second = dataSource.getConnection(); Connection third = dataSource.getConnection();
          Connection legacySecond = legacy.getConnection()) {
        assertThat(currentUser(second)).isEqualTo(EmbeddedPg.ROLE);
        assertThat(currentUser(third)).isEqualTo(EmbeddedPg.ROLE);
        assertThat(currentUser(legacySecond)).isEqualTo(EmbeddedPg.ROLE);
      }
      assertThat(store.fetchCount("db")).as("no provider call per connection").isEqualTo(fetches);
      // the connection opened before the rotation keeps working
      assertThat(currentUser(first)).isEqualTo(EmbeddedPg.ROLE);
    }
  }

  private static String json(String password) {
    return "{\"username\":\"" + EmbeddedPg.ROLE + "\",\"password\":\"" + password + "\"}";
  }

  private static String currentUser(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_user")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String messages(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t).append('\n');
    }
    return b.toString();
  }
}
