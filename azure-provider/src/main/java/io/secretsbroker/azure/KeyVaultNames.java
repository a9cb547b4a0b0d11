package io.secretsbroker.azure;

import io.secretsbroker.SecretsException;
import io.secretsbroker.spi.SecretNames;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule that maps portable secret names ({@code prod/orders/db}, {@code stripe_key}) to
 * Azure Key Vault secret names, which allow only {@code 0-9a-zA-Z-} and at most 127 characters.
 *
 * <p><b>The rule.</b> A portable name is letters, digits and the separators {@code - / _ .}; it
 * starts and ends with a letter or digit, and every separator stands between two letters or digits
 * (no two separators in a row). Letters and digits map to themselves; each separator maps to a run
 * of hyphens whose length says which separator it was:
 *
 * <pre>
 *   -  ->  -        api-key          ->  api-key
 *   /  ->  --       prod/orders/db   ->  prod--orders--db
 *   _  ->  ---      stripe_key       ->  stripe---key
 *   .  ->  ----     app.db           ->  app----db
 * </pre>
 *
 * <p>Because a run is always bounded by letters or digits, a vault name decodes back by counting
 * the hyphens in each run: the rule is a bijection between the portable names it accepts and the
 * vault names matching {@code [0-9a-zA-Z]+(-{1,4}[0-9a-zA-Z]+)*}. Two different portable names
 * never map to the same vault name, so a name is rejected (never silently altered) when it does not
 * fit. Names already using only letters, digits and single hyphens, the usual Key Vault style, map
 * to themselves.
 *
 * <p>Key Vault compares names without regard to case; the rule keeps case, and the provider refuses
 * a second spelling of one name that differs only in case (see {@code docs/providers.md}).
 *
 * <p>Stateless and thread-safe. Failures are {@link SecretsException}s naming the name and the
 * offending character; names are not secret.
 */
public final class KeyVaultNames {
  /** Key Vault's limit on a secret name's length. */
  public static final int MAX_VAULT_NAME_LENGTH = 127;

  private static final String SEPARATORS = "-/_.";
  private static final Pattern VAULT_NAME = Pattern.compile("[0-9A-Za-z]+(?:-{1,4}[0-9A-Za-z]+)*");

  private KeyVaultNames() {}

  /**
   * The Key Vault name for a portable name.
   *
   * @throws SecretsException when the name fails {@link SecretNames#validate}, uses a character
   *     outside the rule, starts or ends with a separator, has two separators in a row, or maps to
   *     more than 127 characters
   */
  public static String toVaultName(String portableName) {
    SecretNames.validate(portableName);
    StringBuilder out = new StringBuilder(portableName.length() + 8);
    char previous = 0;
    for (int i = 0; i < portableName.length(); i++) {
      char c = portableName.charAt(i);
      int separator = SEPARATORS.indexOf(c);
      if (isAlphanumeric(c)) {
        out.append(c);
      } else if (separator >= 0) {
        if (i == 0 || i == portableName.length() - 1) {
          throw unmappable(portableName, "it starts or ends with '" + c + "'");
        }
        if (SEPARATORS.indexOf(previous) >= 0) {
          throw unmappable(portableName, "'" + previous + "' and '" + c + "' stand next to each other at index " + (i - 1));
        }
        out.append("-".repeat(separator + 1));
      } else {
        throw unmappable(portableName, "it contains '" + c + "' (U+" + String.format("%04X", (int) c)
            + ") at index " + i);
      }
      previous = c;
    }
    if (out.length() > MAX_VAULT_NAME_LENGTH) {
      throw new SecretsException("Secret name '" + portableName + "' maps to a Key Vault name of " + out.length()
          + " characters; Key Vault allows at most " + MAX_VAULT_NAME_LENGTH + ". Use a shorter name"
          + " (each '/' costs 2 characters, '_' 3 and '.' 4).");
    }
    return out.toString();
  }

  /**
   * The portable name a Key Vault name stands for, or empty when the vault name is outside the
   * rule's range (a run of five or more hyphens, or a leading or trailing hyphen): such secrets
   * cannot be read through a portable name.
   */
  public static Optional<String> toPortableName(String vaultName) {
    if (vaultName == null || vaultName.length() > MAX_VAULT_NAME_LENGTH || !VAULT_NAME.matcher(vaultName).matches()) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder(vaultName.length());
    int i = 0;
    while (i < vaultName.length()) {
      char c = vaultName.charAt(i);
      if (c != '-') {
        out.append(c);
        i++;
        continue;
      }
      int run = 0;
      while (i < vaultName.length() && vaultName.charAt(i) == '-') {
        run++;
        i++;
      }
      out.append(SEPARATORS.charAt(run - 1));
    }
    return Optional.of(out.toString());
  }

  private static boolean isAlphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static SecretsException unmappable(String name, String why) {
    return new SecretsException("Secret name '" + name + "' cannot be mapped to an Azure Key Vault name: " + why
        + ". Key Vault names allow only letters, digits and '-'; Secrets Broker accepts letters, digits and the"
        + " separators '-', '/', '_' and '.', each between two letters or digits (see docs/providers.md)."
        + " Rename the secret, e.g. 'prod/orders/db' or 'stripe_key'.");
  }
}
