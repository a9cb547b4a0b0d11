package io.secretsbroker.gcp;

import io.secretsbroker.InvalidSecretNameException;
import io.secretsbroker.spi.SecretNames;

/**
 * The one rule that maps portable secret names ({@code prod/db}, {@code stripe_key}) to Google
 * Cloud Secret Manager secret ids, which allow only letters, digits, {@code -} and {@code _}, at
 * most {@value #MAX_SECRET_ID_LENGTH} characters.
 *
 * <p><b>The rule.</b> Letters, digits, {@code -} and {@code _} map to themselves; {@code /} maps to
 * {@code -} and {@code .} to {@code _}:
 *
 * <pre>
 *   prod/db           ->  prod-db         (our name "db" with secrets.env=prod)
 *   prod/orders/db    ->  prod-orders-db
 *   stripe_key        ->  stripe_key
 *   app.db            ->  app_db
 * </pre>
 *
 * <p>Names already in Secret Manager style ({@code prod-db}, {@code api-key}) map to themselves,
 * so existing secrets keep their names. The price is that two portable names can map to one secret
 * ({@code prod/db} and {@code prod-db}). The rule never guesses between them: the provider remembers
 * which portable name first reached each secret id and refuses any other spelling of it with an
 * {@link InvalidSecretNameException} (see {@link #collision}), and the guard's policy generator
 * refuses an allowlist holding two of them. Within one client every secret id therefore answers to
 * exactly one portable name, which is what makes the mapping reversible there.
 *
 * <p>Stateless and thread-safe. Failures are {@link InvalidSecretNameException}s naming the name
 * and the offending character; names are not secret.
 */
public final class SecretManagerNames {
  /** Secret Manager's limit on a secret id's length. */
  public static final int MAX_SECRET_ID_LENGTH = 255;

  private SecretManagerNames() {}

  /**
   * The Secret Manager secret id for a portable name.
   *
   * @throws InvalidSecretNameException when the name fails {@link SecretNames#validate}, uses a
   *     character outside letters, digits and {@code - / _ .}, or maps to more than 255 characters
   * @throws NullPointerException when {@code portableName} is null
   */
  public static String toSecretId(String portableName) {
    if (portableName == null) {
      throw new NullPointerException("portableName");
    }
    try {
      SecretNames.validate(portableName);
    } catch (InvalidSecretNameException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidSecretNameException(e.getMessage(), e);
    }
    StringBuilder out = new StringBuilder(portableName.length());
    for (int i = 0; i < portableName.length(); i++) {
      char c = portableName.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        out.append(c);
      } else if (c == '/') {
        out.append('-');
      } else if (c == '.') {
        out.append('_');
      } else {
        throw new InvalidSecretNameException("Secret name '" + portableName + "' cannot be mapped to a Google Cloud"
            + " Secret Manager secret id: it contains '" + c + "' (U+" + String.format("%04X", (int) c) + ") at index "
            + i + ". Secret Manager ids allow only letters, digits, '-' and '_'; Secrets Broker also maps '/' to '-'"
            + " and '.' to '_' (see docs/providers.md). Rename the secret, e.g. 'prod/orders/db' or 'stripe_key'.");
      }
    }
    if (out.length() > MAX_SECRET_ID_LENGTH) {
      throw new InvalidSecretNameException("Secret name '" + portableName + "' maps to a Secret Manager secret id of "
          + out.length() + " characters; Secret Manager allows at most " + MAX_SECRET_ID_LENGTH + ". Use a shorter name.");
    }
    return out.toString();
  }

  /**
   * The refusal raised when {@code second} maps to the secret id {@code secretId} that
   * {@code first} already stands for.
   */
  public static InvalidSecretNameException collision(String first, String second, String secretId) {
    return new InvalidSecretNameException("Secret names '" + first + "' and '" + second + "' both map to the Secret"
        + " Manager secret '" + secretId + "' ('/' maps to '-' and '.' to '_'), so they would read one value under two"
        + " names. Use one spelling of the name everywhere (in code, secrets.allow and secrets.prefetch).");
  }
}
