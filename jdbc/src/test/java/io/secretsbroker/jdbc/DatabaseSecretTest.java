package io.secretsbroker.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.SecretFormatException;
import io.secretsbroker.SecretValue;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DatabaseSecretTest {
  private static final String PW = Fixtures.password();

  private static SecretValue value(String json) {
    return SecretValue.of("db", "7", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parse_awsRdsShape_readsEveryField() {
    DatabaseSecret s = DatabaseSecret.parse(value("{\"username\":\"app\",\"password\":\"" + PW
        + "\",\"engine\":\"postgres\",\"host\":\"db.internal\",\"port\":6432,\"dbname\":\"orders\","
        + "\"dbClusterIdentifier\":\"c1\"}"));
    assertThat(s.username()).isEqualTo("app");
    assertThat(s.password()).isEqualTo(PW);
    assertThat(s.passwordChars()).containsExactly(PW.toCharArray());
    assertThat(s.engine()).contains("postgres");
    assertThat(s.host()).contains("db.internal");
    assertThat(s.port()).contains(6432);
    assertThat(s.database()).contains("orders");
    assertThat(s.versionId()).isEqualTo("7");
    assertThat(s.secretName()).isEqualTo("db");
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/orders");
  }

  @Test
  void parse_portAsString_andOnlyCredentials_isEnough() {
    DatabaseSecret s = DatabaseSecret.parse(value("{\"username\":\"app\",\"password\":\"" + PW + "\",\"port\":\"5433\"}"));
    assertThat(s.port()).contains(5433);
    assertThat(s.host()).isEmpty();
    assertThat(s.engine()).isEmpty();
  }

  @Test
  void jdbcUrl_perEngine_withDefaultPorts() {
    String base = "\"username\":\"u\",\"password\":\"" + PW + "\",\"host\":\"h\",\"dbname\":\"d\"";
    assertThat(DatabaseSecret.parse(value("{" + base + ",\"engine\":\"mysql\"}")).jdbcUrl())
        .isEqualTo("jdbc:mysql://h:3306/d");
    assertThat(DatabaseSecret.parse(value("{" + base + ",\"engine\":\"aurora-postgresql\"}")).jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5432/d");
    assertThat(DatabaseSecret.parse(value("{" + base + ",\"engine\":\"mariadb\"}")).jdbcUrl())
        .isEqualTo("jdbc:mariadb://h:3306/d");
    assertThat(DatabaseSecret.parse(value("{" + base + ",\"engine\":\"sqlserver-ex\"}")).jdbcUrl())
        .isEqualTo("jdbc:sqlserver://h:1433;databaseName=d");
    assertThat(DatabaseSecret.parse(value("{" + base + ",\"engine\":\"oracle-ee\"}")).jdbcUrl())
        .isEqualTo("jdbc:oracle:thin:@//h:1521/d");
  }

  @Test
  void parse_missingPassword_namesTheFieldNotTheValue() {
    String user = "user-" + Fixtures.password();
    assertThatThrownBy(() -> DatabaseSecret.parse(value("{\"username\":\"" + user + "\"}")))
        .isInstanceOf(SecretFormatException.class)
        .hasMessageContaining("'db'").hasMessageContaining("no field 'password'")
        .hasMessageNotContaining(user);
  }

  @Test
  void parse_missingUsername_namesTheField() {
    assertThatThrownBy(() -> DatabaseSecret.parse(value("{\"password\":\"" + PW + "\"}")))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("no field 'username'")
        .hasMessageNotContaining(PW);
  }

  @Test
  void parse_notJson_neverEchoesTheValue() {
    assertThatThrownBy(() -> DatabaseSecret.parse(value(PW)))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("is not JSON")
        .hasMessageNotContaining(PW).hasNoCause();
    assertThatThrownBy(() -> DatabaseSecret.parse(value("{\"username\":\"a\",\"password\":\"" + PW)))
        .isInstanceOf(SecretFormatException.class).hasMessageNotContaining(PW).hasNoCause();
    assertThatThrownBy(() -> DatabaseSecret.parse(value("[\"" + PW + "\"]")))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("not an object").hasMessageNotContaining(PW);
  }

  @Test
  void parse_badPort_isAFormatError() {
    assertThatThrownBy(() -> DatabaseSecret.parse(value("{\"username\":\"a\",\"password\":\"" + PW
        + "\",\"port\":\"" + PW + "\"}")))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("'port'").hasMessageNotContaining(PW);
    assertThatThrownBy(() -> DatabaseSecret.parse(value("{\"username\":\"a\",\"password\":\"p\",\"port\":70000}")))
        .isInstanceOf(SecretFormatException.class);
  }

  @Test
  void jdbcUrl_unknownEngine_isAFormatErrorThatDoesNotRepeatIt() {
    String engine = "eng" + Fixtures.password();
    DatabaseSecret s = DatabaseSecret.parse(value("{\"username\":\"a\",\"password\":\"" + PW
        + "\",\"engine\":\"" + engine + "\",\"host\":\"h\"}"));
    assertThatThrownBy(s::jdbcUrl).isInstanceOf(SecretFormatException.class)
        .hasMessageContaining("'engine'").hasMessageContaining("postgres").hasMessageNotContaining(engine);
  }

  @Test
  void jdbcUrl_withoutHostOrEngine_saysWhatToAdd() {
    DatabaseSecret s = DatabaseSecret.parse(value("{\"username\":\"a\",\"password\":\"" + PW + "\",\"engine\":\"postgres\"}"));
    assertThatThrownBy(s::jdbcUrl).isInstanceOf(SecretFormatException.class).hasMessageContaining("'host'");
    DatabaseSecret t = DatabaseSecret.parse(value("{\"username\":\"a\",\"password\":\"" + PW + "\",\"host\":\"h\"}"));
    assertThatThrownBy(t::jdbcUrl).isInstanceOf(SecretFormatException.class).hasMessageContaining("'engine'");
  }

  @Test
  void fields_canBeRenamed() {
    DatabaseSecret.Fields f = DatabaseSecret.Fields.defaults().username("user").password("pass").host("server")
        .port("p").database("db").engine("kind");
    DatabaseSecret s = DatabaseSecret.parse(value("{\"user\":\"app\",\"pass\":\"" + PW
        + "\",\"server\":\"h\",\"p\":1,\"db\":\"x\",\"kind\":\"postgresql\"}"), f);
    assertThat(s.username()).isEqualTo("app");
    assertThat(s.password()).isEqualTo(PW);
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://h:1/x");
    assertThatThrownBy(() -> DatabaseSecret.parse(value("{\"username\":\"app\",\"password\":\"" + PW + "\"}"), f))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("no field 'user'");
  }

  @Test
  void nullArguments_areNamed() {
    assertThatThrownBy(() -> DatabaseSecret.parse(null)).isInstanceOf(NullPointerException.class).hasMessage("value");
    assertThatThrownBy(() -> DatabaseSecret.parse(value("{}"), null))
        .isInstanceOf(NullPointerException.class).hasMessage("fields");
    assertThatThrownBy(() -> DatabaseSecret.Fields.defaults().username(null))
        .isInstanceOf(NullPointerException.class).hasMessage("username");
  }

  @Test
  void toString_masksThePassword() {
    DatabaseSecret s = DatabaseSecret.parse(value("{\"username\":\"app\",\"password\":\"" + PW + "\"}"));
    assertThat(s.toString()).contains("app").contains("****").doesNotContain(PW);
  }
}
