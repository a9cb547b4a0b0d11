package io.secretsbroker.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.InvalidSecretNameException;
import org.junit.jupiter.api.Test;

/** The name rule, with shapes taken from Secret Manager's documented id alphabet and usual naming. */
class SecretManagerNamesTest {

  @Test
  void toSecretId_contractExamples() {
    assertThat(SecretManagerNames.toSecretId("prod/db")).isEqualTo("prod-db");
    assertThat(SecretManagerNames.toSecretId("prod/orders/db")).isEqualTo("prod-orders-db");
    assertThat(SecretManagerNames.toSecretId("stripe_key")).isEqualTo("stripe_key");
    assertThat(SecretManagerNames.toSecretId("app.db")).isEqualTo("app_db");
  }

  @Test
  void toSecretId_existingSecretManagerStyleNames_unchanged() {
    for (String id : new String[] {"api-key", "DB_PASSWORD", "my-secret-2", "a", "x".repeat(255)}) {
      assertThat(SecretManagerNames.toSecretId(id)).isEqualTo(id);
    }
  }

  @Test
  void toSecretId_charactersOutsideTheAlphabet_refusedNamingThem() {
    assertThatThrownBy(() -> SecretManagerNames.toSecretId("db@prod")).isInstanceOf(InvalidSecretNameException.class)
        .hasMessageContaining("'@'").hasMessageContaining("index 2");
    assertThatThrownBy(() -> SecretManagerNames.toSecretId("pässwort")).isInstanceOf(InvalidSecretNameException.class);
    assertThatThrownBy(() -> SecretManagerNames.toSecretId("a b")).isInstanceOf(InvalidSecretNameException.class);
  }

  @Test
  void toSecretId_tooLong_refused() {
    assertThatThrownBy(() -> SecretManagerNames.toSecretId("x".repeat(256)))
        .isInstanceOf(InvalidSecretNameException.class).hasMessageContaining("255");
  }

  @Test
  void toSecretId_invalidPortableName_refusedAsInvalidName() {
    assertThatThrownBy(() -> SecretManagerNames.toSecretId("../etc")).isInstanceOf(InvalidSecretNameException.class);
    assertThatThrownBy(() -> SecretManagerNames.toSecretId(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("portableName");
  }

  @Test
  void collision_namesBothSpellingsAndTheSecret() {
    assertThat(SecretManagerNames.collision("prod/db", "prod-db", "prod-db").getMessage())
        .contains("'prod/db'", "'prod-db'", "secret 'prod-db'");
  }
}
