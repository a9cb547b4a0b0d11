package io.secretsbroker.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maps Vault's status codes and {@code {"errors": [...]}} bodies onto the exception taxonomy.
 * Vault's error strings name paths, roles and reasons, never a stored value; they are still
 * shortened before they reach a message. Stateless.
 */
final class VaultErrors {
  private static final int MAX_DETAIL = 200;

  private VaultErrors() {}

  /** Vault's error strings joined, flattened and shortened; empty when there are none. */
  static String detail(JsonNode body) {
    List<String> out = new ArrayList<>();
    JsonNode errors = body.path("errors");
    if (errors.isArray()) {
      errors.forEach(e -> out.add(e.asText().replaceAll("\\s+", " ").replace("* ", "").trim()));
    }
    String s = String.join("; ", out);
    return s.length() > MAX_DETAIL ? s.substring(0, MAX_DETAIL) + "..." : s;
  }

  static boolean mentions(JsonNode body, String text) {
    return detail(body).toLowerCase(Locale.ROOT).contains(text);
  }

  /**
   * Transient answers, worth a retry: throttling (429), a performance standby behind on index
   * (412), standby/DR nodes (472, 473) and server errors including a sealed Vault (503).
   */
  static boolean retryable(int status) {
    return status == 429 || status == 412 || status == 472 || status == 473 || status >= 500;
  }

  /** The {@link ProviderUnavailableException} for a retryable status. */
  static ProviderUnavailableException unavailable(VaultHttp.Response r, String what) {
    String detail = detail(r.body());
    String hint;
    if (r.status() == 503 && detail.toLowerCase(Locale.ROOT).contains("sealed")) {
      hint = "Vault is sealed: an operator must unseal it (vault operator unseal) or auto-unseal must recover.";
    } else if (r.status() == 429) {
      hint = "Vault is rate limiting this client (a rate-limit quota); cached values are served meanwhile.";
    } else {
      hint = "Vault answered with a transient failure; the call is retried and cached values are served"
          + " within secrets.cache.max-stale.";
    }
    return new ProviderUnavailableException("Vault returned HTTP " + r.status() + " while " + what + ". " + hint
        + (detail.isEmpty() ? "" : " Vault said: " + detail));
  }

  /** An unexpected answer: neither success, nor a status with its own meaning. */
  static SecretsException unexpected(VaultHttp.Response r, String what) {
    String detail = detail(r.body());
    return new SecretsException("Vault returned HTTP " + r.status() + " while " + what + "."
        + (detail.isEmpty() ? "" : " Vault said: " + detail));
  }
}
