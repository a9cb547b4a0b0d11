package io.secretsbroker.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secretsbroker.Rotation;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.RotationTarget;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The PostgreSQL rotation targets and complete rotations, through SecretsClient.rotate, on a real server. */
class PostgresRotationTargetTest extends PgRoleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  String rolePrefix() {
    return "rot";
  }

  @Override
  String secretJson(String json) {
    return withExtraField(json);
  }

  private static String withExtraField(String json) {
    return json.substring(0, json.length() - 1) + ",\"dbClusterIdentifier\":\"orders-1\"}";
  }

  private static boolean canLogIn(String user, String pw) {
    try (Connection c = Pg.login(user, pw)) {
      return c.isValid(2);
    } catch (SQLException e) {
      assertThat(e.getSQLState()).isEqualTo("28P01");
      return false;
    }
  }

  private static String verifierOf(String role) throws SQLException {
    try (Connection c = Pg.admin().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT rolpassword FROM pg_authid WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static List<String> fieldNames(String json) throws Exception {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = JSON.readTree(json).fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  @Test
  void singleUser_setsTheNewPassword_keepsTheJsonShape() throws Exception {
    String before = store.currentValue("db").orElseThrow();
    SecretValue rotated = client.rotate("db", DatabaseRotation.singleUser(Pg.admin()));
    DatabaseSecret s = DatabaseSecret.parse(rotated);
    remember(s.password());

    assertThat(s.username()).isEqualTo(role);
    assertThat(s.password()).isNotEqualTo(password).hasSize(32).matches("[A-Za-z0-9]+");
    assertThat(canLogIn(role, s.password())).isTrue();
    assertThat(canLogIn(role, password)).isFalse();
    assertThat(fieldNames(rotated.asString())).isEqualTo(fieldNames(before));
    JsonNode old = JSON.readTree(before);
    JsonNode now = JSON.readTree(rotated.asString());
    for (String f : List.of("username", "engine", "host", "port", "dbname", "dbClusterIdentifier")) {
      assertThat(now.get(f)).as(f).isEqualTo(old.get(f));
    }
    assertThat(store.currentValue("db")).contains(rotated.asString());
  }

  @Test
  void passwordIsHashedOnTheClient_theServerLogSeesOnlyTheVerifier() throws Exception {
    SecretValue rotated = client.rotate("db", DatabaseRotation.singleUser(Pg.admin()));
    String pw = remember(DatabaseSecret.parse(rotated).password());
    String verifier = verifierOf(role);
    assertThat(verifier).startsWith("SCRAM-SHA-256$4096:");
    String log = Pg.serverLog();
    // log_statement=ddl logged the ALTER ROLE: with the verifier, never with the password
    assertThat(log).contains("ALTER ROLE \"" + role + "\" WITH PASSWORD 'SCRAM-SHA-256$4096:");
    assertThat(log).contains(verifier.substring(0, 40));
    assertThat(log).doesNotContain(pw);
  }

  @Test
  void identifiersAreQuoted() throws Exception {
    String odd = "we\"ird role;" + Fixtures.role("x");
    String pw = remember(Fixtures.password());
    Pg.createRole(odd, pw);
    store.seed("odd", Fixtures.secret(odd, pw));
    SecretValue rotated = client.rotate("odd", DatabaseRotation.singleUser(Pg.admin()));
    assertThat(canLogIn(odd, remember(DatabaseSecret.parse(rotated).password()))).isTrue();
    assertThat(canLogIn(odd, pw)).isFalse();
  }

  @Test
  void alternatingUsers_createsTheClone_andSwitchesEachTime() throws Exception {
    Rotation rotation = DatabaseRotation.alternatingUsers(Pg.admin());
    String clone = role + "_clone";

    DatabaseSecret first = DatabaseSecret.parse(client.rotate("db", rotation));
    remember(first.password());
    assertThat(first.username()).isEqualTo(clone);
    assertThat(canLogIn(clone, first.password())).isTrue();
    assertThat(canLogIn(role, password)).as("the previous credentials still work").isTrue();
    assertThat(isMember(clone, role)).as("the clone has the privileges of the base role").isTrue();

    DatabaseSecret second = DatabaseSecret.parse(client.rotate("db", rotation));
    remember(second.password());
    assertThat(second.username()).isEqualTo(role);
    assertThat(second.password()).isNotEqualTo(password);
    assertThat(canLogIn(role, second.password())).isTrue();
    assertThat(canLogIn(role, password)).isFalse();
    assertThat(canLogIn(clone, first.password())).as("the previous credentials still work").isTrue();

    DatabaseSecret third = DatabaseSecret.parse(client.rotate("db", rotation));
    remember(third.password());
    assertThat(third.username()).isEqualTo(clone);
    assertThat(canLogIn(clone, third.password())).isTrue();
    assertThat(canLogIn(clone, first.password())).isFalse();
  }

  private static boolean isMember(String member, String group) throws SQLException {
    try (Connection c = Pg.admin().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT pg_has_role(?, ?, 'MEMBER')")) {
      ps.setString(1, member);
      ps.setString(2, group);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  @Test
  void failedVerify_putsTheOldPasswordBackOnTheDatabase() {
    PostgresRotationTarget target = PostgresRotationTarget.singleUser(Pg.admin());
    RotationTarget rejecting = new RotationTarget() {
      @Override
      public void apply(SecretValue candidate, SecretValue current) throws Exception {
        target.apply(candidate, current);
      }

      @Override
      public void verify(SecretValue candidate) throws Exception {
        remember(DatabaseSecret.parse(candidate).password());
        target.verify(candidate); // it works on the database...
        throw new IllegalStateException("rejected by the application's own check"); // ...but is refused
      }
    };
    Rotation r = Rotation.builder().generator(DatabaseRotation.generator(DatabaseSecret.Fields.defaults(), false))
        .target(rejecting).build();
    assertThatThrownBy(() -> client.rotate("db", r)).isInstanceOf(RotationFailedException.class);
    assertThat(canLogIn(role, password)).as("the previous password was applied again").isTrue();
    assertThat(DatabaseSecret.parse(client.value("db")).password()).isEqualTo(password);
  }

  @Test
  void verify_withAWrongPassword_failsWithoutNamingIt() throws Exception {
    PostgresRotationTarget target = PostgresRotationTarget.singleUser(Pg.admin());
    String wrong = remember(Fixtures.password());
    SecretValue candidate = SecretValue.of("db", "9", Fixtures.secret(role, wrong).getBytes());
    assertThatThrownBy(() -> target.verify(candidate)).isInstanceOf(RotationFailedException.class)
        .hasMessageContaining("'" + role + "'").hasMessageContaining("28P01").hasMessageNotContaining(wrong);
  }

  @Test
  void apply_withoutTheRight_saysWhatIsMissing() throws Exception {
    String weak = Fixtures.role("weak");
    String weakPw = remember(Fixtures.password());
    Pg.createRole(weak, weakPw);
    PGSimpleDataSource asWeak = Pg.server();
    asWeak.setUser(weak);
    asWeak.setPassword(weakPw);
    PostgresRotationTarget target = PostgresRotationTarget.singleUser(asWeak);
    String next = remember(Fixtures.password());
    SecretValue candidate = SecretValue.of("db", "9", Fixtures.secret(role, next).getBytes());
    assertThatThrownBy(() -> target.apply(candidate, client.value("db"))).isInstanceOf(RotationFailedException.class)
        .hasMessageContaining("'" + role + "'").hasMessageContaining("CREATEROLE").hasMessageContaining("42501")
        .hasMessageNotContaining(next);
    assertThat(canLogIn(role, password)).isTrue();
  }

  @Test
  void rotatingASecretThatIsNotADatabaseSecret_failsBeforeAnyWrite() {
    store.seed("plain", Fixtures.password());
    long puts = store.putCount();
    assertThatThrownBy(() -> client.rotate("plain", DatabaseRotation.singleUser(Pg.admin())))
        .isInstanceOf(io.secretsbroker.SecretsException.class).hasMessageContaining("not JSON");
    assertThat(store.putCount()).isEqualTo(puts);
  }

  @Test
  void generator_withoutCurrentValue_explainsWhatToDo() {
    assertThatThrownBy(() -> DatabaseRotation.generator(DatabaseSecret.Fields.defaults(), false).apply(null))
        .isInstanceOf(RotationFailedException.class).hasMessageContaining("must exist before");
  }

  @Test
  void toStrings_holdNoCredentials() {
    assertThat(PostgresRotationTarget.alternatingUsers(Pg.admin())).hasToString(
        "PostgresRotationTarget[alternating users]");
    assertThat(PostgresRotationTarget.singleUser(Pg.admin()).alternating()).isFalse();
    assertThatThrownBy(() -> PostgresRotationTarget.singleUser(null)).hasMessage("admin");
  }
}
