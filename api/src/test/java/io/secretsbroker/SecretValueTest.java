package io.secretsbroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.spi.SecretRecord;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretValueTest {
  private static final String PW = "Tr0ub4dor&3-value";

  private static SecretValue json() {
    return SecretValue.of("db", "v1", ("{\"user\":\"app\",\"password\":\"" + PW + "\",\"port\":5432,"
        + "\"tls\":{\"mode\":\"verify\"}}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void toString_masksValue() {
    assertThat(json().toString()).contains("db").contains("v1").doesNotContain(PW).contains("****");
    SecretRecord r = new SecretRecord("db", "v1", PW.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
    assertThat(r.toString()).doesNotContain(PW);
  }

  @Test
  void field_existingFields_returnedAsText() {
    SecretValue v = json();
    assertThat(v.field("password")).isEqualTo(PW);
    assertThat(v.field("port")).isEqualTo("5432");
    assertThat(v.field("tls")).isEqualTo("{\"mode\":\"verify\"}");
  }

  @Test
  void field_duplicateNames_lastValueWins_asInTheJsonTree() {
    SecretValue v = SecretValue.of("db", "v1", ("{\"password\":\"old-one\",\"port\":\"x\",\"password\":\"" + PW
        + "\",\"port\":5432,\"flag\":true,\"list\":[\"a\",1]} trailing").getBytes(StandardCharsets.UTF_8));
    assertThat(v.field("password")).isEqualTo(PW);
    assertThat(v.field("port")).isEqualTo("5432");
    assertThat(v.field("flag")).isEqualTo("true");
    assertThat(v.field("list")).isEqualTo("[\"a\",1]");
  }

  @Test
  void field_nullOrMalformedJson_fails() {
    SecretValue nulled = SecretValue.of("db", "v1", "{\"password\":null}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> nulled.field("password")).isInstanceOf(SecretsException.class)
        .hasMessageContaining("has no field 'password'");
    SecretValue broken = SecretValue.of("db", "v1", ("{\"password\":\"" + PW + "\",\"port\":")
        .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> broken.field("password")).isInstanceOf(SecretsException.class)
        .hasMessageContaining("not a JSON object").hasMessageNotContaining(PW);
  }

  @Test
  void field_afterWipe_fails() {
    SecretValue v = json();
    assertThat(v.field("password")).isEqualTo(PW);
    v.wipe();
    assertThatThrownBy(() -> v.field("password")).isInstanceOf(SecretsException.class)
        .hasMessageContaining("wiped");
  }

  @Test
  void field_missing_namesFieldNotValue() {
    assertThatThrownBy(() -> json().field("passwd"))
        .isInstanceOf(SecretsException.class)
        .hasMessageContaining("'passwd'").hasMessageContaining("password")
        .hasMessageNotContaining(PW);
  }

  @Test
  void field_nonJsonValue_explainsWithoutValue() {
    SecretValue plain = SecretValue.of("api", "1", PW.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> plain.field("x")).isInstanceOf(SecretsException.class)
        .hasMessageContaining("not a JSON object").hasMessageNotContaining(PW);
  }

  @Test
  void asBytes_returnsCopyCallerCanClear() {
    SecretValue v = SecretValue.of("api", "1", PW.getBytes(StandardCharsets.UTF_8));
    byte[] b = v.asBytes();
    java.util.Arrays.fill(b, (byte) 0);
    assertThat(v.asString()).isEqualTo(PW);
    char[] c = v.asChars();
    assertThat(new String(c)).isEqualTo(PW);
  }

  @Test
  void of_textRecord_keepsOnlyTheText_andZeroesTheArray() {
    byte[] raw = PW.getBytes(StandardCharsets.UTF_8);
    SecretValue v = SecretValue.of("api", new SecretRecord("api", "1", raw, Instant.EPOCH));
    assertThat(raw).as("the record's array is taken over and zeroed").containsOnly((byte) 0);
    assertThat(v.asString()).isEqualTo(PW).isSameAs(v.asString());
    assertThat(v.asBytes()).isEqualTo(PW.getBytes(StandardCharsets.UTF_8));
    assertThat(v.length()).isEqualTo(PW.getBytes(StandardCharsets.UTF_8).length);
    assertThat(v).isEqualTo(SecretValue.of("api", "1", PW.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void of_binaryRecord_keepsTheBytes_untilWiped() {
    byte[] raw = {(byte) 0xff, 0, (byte) 0x80, 7};
    SecretValue v = SecretValue.of("bin", new SecretRecord("bin", "1", raw, Instant.EPOCH));
    assertThat(raw).containsExactly((byte) 0xff, 0, (byte) 0x80, 7);
    assertThat(v.asBytes()).isEqualTo(raw).isNotSameAs(raw);
    assertThat(v.length()).isEqualTo(4);
    assertThatThrownBy(v::asString).isInstanceOf(SecretFormatException.class).hasMessageContaining("binary");
    assertThat(v).isNotEqualTo(SecretValue.of("bin", "1", new byte[] {1, 2}));
    v.wipe();
    assertThat(raw).containsOnly((byte) 0);
  }

  @Test
  void field_ofTextValue_readsTheKeptText() {
    byte[] json = "{\"password\":\"pw-123456\",\"port\":5432}" // secrets-guard:allow test fixture
        .getBytes(StandardCharsets.UTF_8);
    SecretValue v = SecretValue.of("db", "1", json);
    assertThat(v.field("password")).isEqualTo("pw-123456"); // secrets-guard:allow test fixture
    assertThat(v.field("port")).isEqualTo("5432");
  }

  @Test
  void wipe_zeroesAndBlocksAccess() {
    SecretValue v = SecretValue.of("api", "1", PW.getBytes(StandardCharsets.UTF_8));
    v.wipe();
    assertThat(v.isWiped()).isTrue();
    assertThatThrownBy(v::asBytes).isInstanceOf(SecretsException.class).hasMessageContaining("wiped");
    assertThatThrownBy(v::asString).isInstanceOf(SecretsException.class);
  }

  @Test
  void secretValue_isNotSerializable() {
    assertThat(Serializable.class.isAssignableFrom(SecretValue.class)).isFalse();
  }

  @Test
  void metadata_andExpiry_exposed() {
    SecretRecord r = new SecretRecord("db", "v1", new byte[] {1}, Instant.EPOCH, Instant.EPOCH.plusSeconds(60),
        Map.of("leaseDuration", "PT1M", "contentType", "text/plain"));
    SecretValue v = SecretValue.of("db", r);
    assertThat(v.expiresOn()).contains(Instant.EPOCH.plusSeconds(60));
    assertThat(v.leaseDuration()).contains(java.time.Duration.ofMinutes(1));
    assertThat(v.metadata()).containsEntry("contentType", "text/plain");
  }
}
