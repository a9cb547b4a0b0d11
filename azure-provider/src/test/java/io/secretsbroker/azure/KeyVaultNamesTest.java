package io.secretsbroker.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.SecretsException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The name rule: examples, rejections, and properties checked over many generated names. */
class KeyVaultNamesTest {
  private static final Pattern KEY_VAULT_ALPHABET = Pattern.compile("[0-9a-zA-Z-]{1,127}");
  private static final String ALPHABET = "abcXYZ019-/_.";

  @ParameterizedTest
  @CsvSource({
      "db, db",
      "api-key, api-key",
      "prod/orders/db, prod--orders--db",
      "stripe_key, stripe---key",
      "app.db, app----db",
      "Prod/Stripe_Key-2.v1, Prod--Stripe---Key-2----v1",
  })
  void toVaultName_examples_mapByTheDocumentedRule(String portable, String vault) {
    assertThat(KeyVaultNames.toVaultName(portable)).isEqualTo(vault);
    assertThat(KeyVaultNames.toPortableName(vault)).contains(portable);
  }

  @ParameterizedTest
  @ValueSource(strings = {"_private", "trailing-", "a__b", "a/-b", "a-/b", "a--b", "a b", "db:prod", "pässwort", "a+b",
      "a..b", "a/./b"})
  void toVaultName_unmappableName_isRejectedNamingTheProblem(String name) {
    Throwable t = catchThrowable(() -> KeyVaultNames.toVaultName(name));

    assertThat(t).isInstanceOf(SecretsException.class).hasMessageContaining(name);
  }

  @Test
  void toVaultName_tooLongAfterMapping_isRejected() {
    String name = "a/".repeat(42) + "ab"; // 86 characters, 128 after mapping

    assertThat(KeyVaultNames.toVaultName("a/".repeat(42) + "a").length()).isEqualTo(127);
    assertThat(catchThrowable(() -> KeyVaultNames.toVaultName(name))).isInstanceOf(SecretsException.class)
        .hasMessageContaining("at most 127");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-a", "a-", "a-----b", "a_b", "", "a/b"})
  void toPortableName_vaultNameOutsideTheRule_isEmpty(String vaultName) {
    assertThat(KeyVaultNames.toPortableName(vaultName)).isEmpty();
  }

  @Test
  void toVaultName_manyRandomNames_isReversibleInjectiveAndInKeyVaultsAlphabet() {
    Random random = new Random(20240611L);
    Map<String, String> seen = new HashMap<>();
    int accepted = 0;
    for (int i = 0; i < 200_000; i++) {
      String name = randomString(random, ALPHABET, 1 + random.nextInt(12));
      String vault;
      try {
        vault = KeyVaultNames.toVaultName(name);
      } catch (SecretsException rejected) {
        continue;
      }
      accepted++;
      assertThat(vault).matches(KEY_VAULT_ALPHABET);
      assertThat(KeyVaultNames.toPortableName(vault)).as("decode of %s", vault).contains(name);
      String previous = seen.putIfAbsent(vault, name);
      assertThat(previous == null || previous.equals(name)).as("%s and %s both map to %s", previous, name, vault)
          .isTrue();
    }
    assertThat(accepted).isGreaterThan(20_000);
  }

  @Test
  void toPortableName_manyRandomVaultNames_roundTripsWheneverDecodable() {
    Random random = new Random(7L);
    int decodable = 0;
    for (int i = 0; i < 200_000; i++) {
      String vault = randomString(random, "aZ9-", 1 + random.nextInt(16));
      Optional<String> portable = KeyVaultNames.toPortableName(vault);
      if (portable.isPresent()) {
        decodable++;
        assertThat(KeyVaultNames.toVaultName(portable.get())).isEqualTo(vault);
      }
    }
    assertThat(decodable).isGreaterThan(10_000);
  }

  private static String randomString(Random random, String alphabet, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
