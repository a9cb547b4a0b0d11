package io.secretsbroker.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** jdbc:secretsbroker:... through DriverManager, with the default client installed by the test. */
class SecretsDriverTest {
  private static String role;
  private static String password;
  private static InMemorySecretProvider store;
  private static SecretsClient client;
  private static SecretsClient previous;

  @BeforeAll
  static void setUp() {
    LogCapture.install();
    role = Fixtures.role("drv");
    password = Fixtures.password();
    Pg.createRole(role, password);
    store = new InMemorySecretProvider().seed("db", Fixtures.secret(role, password));
    client = Fixtures.client(store);
    previous = Secrets.install(client);
  }

  @AfterAll
  static void tearDown() {
    Secrets.install(previous);
    client.close();
    LogCapture.install().assertNoneOf(java.util.List.of(password));
  }

  private static String url(String query) {
    return "jdbc:secretsbroker:postgresql://localhost:" + Pg.port() + "/postgres" + query;
  }

  @Test
  void driverManager_findsTheDriver_andLogsInWithTheSecret() throws Exception {
    try (Connection c = DriverManager.getConnection(url("?secret=db&ApplicationName=drvtest"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_user, current_setting('application_name')")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(role);
      assertThat(rs.getString(2)).isEqualTo("drvtest"); // other parameters reach the real driver
    }
  }

  @Test
  void isRegisteredAsAService() {
    assertThat(ServiceLoader.load(Driver.class).stream().map(p -> p.type().getName()))
        .contains(SecretsDriver.class.getName());
  }

  @Test
  void parse_removesTheSecretParameterOnly() throws SQLException {
    SecretsDriver.Parsed p = SecretsDriver.parse("jdbc:secretsbroker:postgresql://h:5432/d?ssl=true&secret=prod%2Fdb&x=1");
    assertThat(p.targetUrl()).isEqualTo("jdbc:postgresql://h:5432/d?ssl=true&x=1");
    assertThat(p.secret()).isEqualTo("prod/db");
    assertThat(SecretsDriver.parse("jdbc:secretsbroker:mysql://h/d?secret=db").targetUrl()).isEqualTo("jdbc:mysql://h/d");
  }

  @Test
  void urlWithoutSecret_saysHowToWriteIt() {
    assertThatThrownBy(() -> DriverManager.getConnection(url("")))
        .isInstanceOf(SQLException.class).hasMessageContaining("?secret=<name>")
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
  }

  @Test
  void otherUrls_areNotAccepted() throws SQLException {
    SecretsDriver d = new SecretsDriver();
    assertThat(d.acceptsURL("jdbc:postgresql://h/d")).isFalse();
    assertThat(d.connect("jdbc:postgresql://h/d", new java.util.Properties())).isNull();
    assertThat(d.acceptsURL(url("?secret=db"))).isTrue();
  }
}
