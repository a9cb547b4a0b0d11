package io.secretsbroker.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpResponse;
import com.azure.identity.CredentialUnavailableException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Translates what the Azure SDK throws into the {@link SecretsException} taxonomy, the way
 * gocloud.dev drivers map error codes: 404 to not-found; 401/403 to access denied naming the role
 * to grant (or saying the secret is disabled, or the firewall refused); 429, 408, 5xx, timeouts and
 * I/O to {@link ProviderUnavailableException}; credential problems to configuration errors. The SDK
 * exception rides along as the cause. Key Vault error bodies never carry secret values, but only
 * their {@code code} and {@code message} fields are quoted. Stateless and thread-safe.
 */
final class KeyVaultErrors {
  static final String READ_ROLE = "Key Vault Secrets User";
  static final String WRITE_ROLE = "Key Vault Secrets Officer";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the provider was doing, for messages. */
  enum Operation {
    READ("read", READ_ROLE, "get"),
    WRITE("write", WRITE_ROLE, "set"),
    DELETE("delete", WRITE_ROLE, "delete"),
    PURGE("purge", WRITE_ROLE, "purge");

    final String verb;
    final String role;
    final String permission;

    Operation(String verb, String role, String permission) {
      this.verb = verb;
      this.role = role;
      this.permission = permission;
    }
  }

  private final String vault;

  KeyVaultErrors(String vault) {
    this.vault = vault;
  }

  SecretsException map(RuntimeException e, String name, String vaultName, String version, Operation op) {
    String what = "secret '" + name + "'" + (vaultName.equals(name) ? "" : " (Key Vault name '" + vaultName + "')")
        + (version == null ? "" : " version '" + version + "'");
    if (e instanceof SecretsException se) {
      return se;
    }
    if (e instanceof HttpResponseException http && http.getResponse() != null && isFromVault(http.getResponse())) {
      return mapStatus(http, http.getResponse().getStatusCode(), what, op);
    }
    if (e instanceof CredentialUnavailableException) {
      return new ConfigurationException("No Azure identity is available to " + op.verb + " " + what + " in Key Vault "
          + vault + ": " + firstLine(e.getMessage()) + " On Azure, enable a managed identity for the function"
          + " (credential=managed-identity, add client-id=... for a user-assigned one); on AKS use"
          + " credential=workload-identity; on a workstation run 'az login' and set credential=cli.", e);
    }
    if (e instanceof ClientAuthenticationException) {
      return new SecretAccessDeniedException("Could not obtain an Azure token to " + op.verb + " " + what
          + " in Key Vault " + vault + ": " + firstLine(e.getMessage()) + " Check that the identity exists in the"
          + " vault's tenant and, for a user-assigned identity, that client-id is its client id.", e);
    }
    if (hasCause(e, TimeoutException.class) || hasCause(e, InterruptedIOException.class)) {
      return new ProviderUnavailableException("Key Vault " + vault + " did not answer in time while reading " + what
          + ". It is retried; raise timeout= in secrets.provider if the network is slow.", e);
    }
    if (hasCause(e, IOException.class) || e instanceof UncheckedIOException) {
      return new ProviderUnavailableException("Could not reach Key Vault " + vault + " to " + op.verb + " " + what
          + " (" + rootMessage(e) + "). It is retried; check DNS, private endpoints and outbound rules.", e);
    }
    String message = String.valueOf(e.getMessage());
    if (message.contains("challenge resource")) {
      return new ConfigurationException("Key Vault at " + vault + " answered with a bearer challenge for another"
          + " domain: " + firstLine(message) + " Check that secrets.provider names the vault's own host.", e);
    }
    return new SecretsException("Unexpected failure from the Azure SDK while trying to " + op.verb + " " + what
        + " in Key Vault " + vault + ": " + e.getClass().getSimpleName() + ": " + firstLine(message), e);
  }

  private SecretsException mapStatus(HttpResponseException e, int status, String what, Operation op) {
    KeyVaultError err = KeyVaultError.of(e);
    String where = " in Key Vault " + vault;
    switch (status) {
      case 404:
        return new SecretNotFoundException("No " + what + where + " (404 " + err.summary() + ").", e);
      case 401:
        return new SecretAccessDeniedException("Key Vault " + vault + " rejected the identity's token for " + what
            + " (401 " + err.summary() + "). Check that the identity belongs to the vault's tenant.", e);
      case 403:
        return forbidden(e, err, what, where, op);
      case 409:
        return new SecretsException("Cannot " + op.verb + " " + what + where + ": " + err.summary()
            + ". A deleted secret under soft delete blocks its name: recover it ('az keyvault secret recover')"
            + " or purge it before writing.", e);
      case 429:
        return new ProviderUnavailableException("Key Vault " + vault + " is throttling requests (429) for " + what
            + ". It is retried with backoff; a vault allows 4,000 secret operations per 10 s.", e);
      case 408:
        return new ProviderUnavailableException("Key Vault " + vault + " timed out (408) on " + what + ". It is retried.", e);
      default:
        if (status >= 500) {
          return new ProviderUnavailableException("Key Vault " + vault + " failed (" + status + " " + err.summary()
              + ") on " + what + ". It is retried.", e);
        }
        return new SecretsException("Key Vault " + vault + " refused to " + op.verb + " " + what + " (" + status + " "
            + err.summary() + ").", e);
    }
  }

  private SecretsException forbidden(HttpResponseException e, KeyVaultError err, String what, String where,
      Operation op) {
    String codes = (err.code + " " + err.innerCode + " " + err.message).toLowerCase(Locale.ROOT);
    if (codes.contains("secretdisabled") || codes.contains("disabled secret")) {
      return new SecretAccessDeniedException("The " + what + where + " is disabled (403 " + err.summary()
          + "). Enable it ('az keyvault secret set-attributes --enabled true') or set a new version.", e);
    }
    if (codes.contains("expired")) {
      return new SecretAccessDeniedException("The " + what + where + " has expired (403 " + err.summary()
          + "). Set a new version or extend its expiry ('az keyvault secret set-attributes --expires').", e);
    }
    if (codes.contains("firewall") || codes.contains("forbiddenbyconnection")) {
      return new SecretAccessDeniedException("Key Vault " + vault + "'s network rules refused this caller while"
          + " trying to " + op.verb + " " + what + " (403 " + err.summary() + "). Allow the function's outbound"
          + " addresses or its virtual network in the vault's firewall, or use a private endpoint.", e);
    }
    return new SecretAccessDeniedException("The identity may not " + op.verb + " " + what + where + " (403 "
        + err.summary() + "). Grant it the role '" + op.role + "' scoped to that secret (or the vault),"
        + " or, for a vault using access policies, the '" + op.permission + "' secret permission.", e);
  }

  private boolean isFromVault(HttpResponse response) {
    // A token endpoint's failure also surfaces as an HttpResponseException; only the vault's own
    // answers are mapped by status. Identity failures are credential problems.
    return response.getRequest() == null || response.getRequest().getUrl() == null
        || !(response.getRequest().getUrl().getPath().contains("oauth2")
            || response.getRequest().getUrl().getPath().contains("/metadata/identity")
            || response.getRequest().getUrl().getPath().startsWith("/msi"));
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + firstLine(root.getMessage()));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The {@code error.code}, {@code error.message} and {@code error.innererror.code} of a Key Vault error body. */
  static final class KeyVaultError {
    final String code;
    final String message;
    final String innerCode;

    private KeyVaultError(String code, String message, String innerCode) {
      this.code = code;
      this.message = message;
      this.innerCode = innerCode;
    }

    static KeyVaultError of(HttpResponseException e) {
      Object value = e.getValue();
      JsonNode fromValue = null;
      if (value instanceof java.util.Map<?, ?> map) {
        fromValue = JSON.valueToTree(map);
      } else if (value instanceof byte[] bytes) {
        fromValue = parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      } else if (value != null) {
        fromValue = parse(value.toString());
      }
      String m = e.getMessage();
      JsonNode fromMessage = m == null || m.indexOf('{') < 0 ? null : parse(m.substring(m.indexOf('{')));
      for (JsonNode root : java.util.Arrays.asList(fromValue, fromMessage)) {
        JsonNode error = root == null ? null : root.path("error");
        if (error != null && error.isObject()) {
          return new KeyVaultError(error.path("code").asText(""), error.path("message").asText(""),
              error.path("innererror").path("code").asText(""));
        }
      }
      return new KeyVaultError("", "", "");
    }

    private static JsonNode parse(String text) {
      try {
        return JSON.readTree(text);
      } catch (IOException | RuntimeException notJson) {
        return null;
      }
    }

    String summary() {
      String s = code.isEmpty() ? "" : code + (innerCode.isEmpty() ? "" : "/" + innerCode);
      if (!message.isEmpty()) {
        s = s.isEmpty() ? message : s + ": " + message;
      }
      return s.isEmpty() ? "no error body" : s;
    }
  }
}
