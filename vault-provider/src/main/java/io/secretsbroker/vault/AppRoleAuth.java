package io.secretsbroker.vault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.SecretAccessDeniedException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Vault's AppRole method: {@code role-id} from configuration (it is an identifier, not a
 * credential) and the SecretID either from {@code secret-id-file}, or unwrapped through
 * {@code /v1/sys/wrapping/unwrap} from a response-wrapping token in {@code wrapped-secret-id-file}.
 *
 * <p>A wrapping token works once: the unwrapped SecretID is kept in memory for later logins until
 * the file holds a different wrapping token, which is then unwrapped in turn. Thread-safe: logins
 * are serialised by {@link TokenManager}, and the cached SecretID is only touched from there.
 */
final class AppRoleAuth extends LoginAuth {
  private final String roleId;
  private final Path secretIdFile;
  private final Path wrappedFile;
  private String lastWrappingToken;
  private String unwrappedSecretId;

  AppRoleAuth(VaultSettings s, Clock clock) {
    super("approle", s.authMount, null, clock);
    this.roleId = s.auth("role-id").orElseThrow();
    this.secretIdFile = s.auth("secret-id-file").map(Path::of).orElse(null);
    this.wrappedFile = s.auth("wrapped-secret-id-file").map(Path::of).orElse(null);
  }

  @Override
  synchronized ObjectNode body(VaultHttp http) {
    ObjectNode body = VaultHttp.object();
    body.put("role_id", roleId);
    body.put("secret_id", secretIdFile != null ? VaultAuth.readFile(secretIdFile, "secret-id-file") : unwrap(http));
    return body;
  }

  private String unwrap(VaultHttp http) {
    String wrapping = VaultAuth.readFile(wrappedFile, "wrapped-secret-id-file");
    if (wrapping.equals(lastWrappingToken) && unwrappedSecretId != null) {
      return unwrappedSecretId;
    }
    String what = "unwrapping the SecretID in " + wrappedFile;
    VaultHttp.Response r = http.send("POST", "sys/wrapping/unwrap", null, wrapping, what);
    if (!r.ok()) {
      if (VaultErrors.retryable(r.status())) {
        throw VaultErrors.unavailable(r, what);
      }
      throw new SecretAccessDeniedException("Vault refused to unwrap the response-wrapping token in " + wrappedFile
          + " (HTTP " + r.status() + "). A wrapping token works once and expires: it was already used or its"
          + " TTL passed. Write a fresh one (vault write -wrap-ttl=... -f auth/" + mount + "/role/<role>/secret-id).");
    }
    String secretId = r.body().path("data").path("secret_id").asText("");
    if (secretId.isEmpty()) {
      throw new SecretAccessDeniedException("The response-wrapping token in " + wrappedFile + " did not wrap an"
          + " AppRole SecretID (no data.secret_id). Wrap the answer of auth/" + mount + "/role/<role>/secret-id.");
    }
    lastWrappingToken = wrapping;
    unwrappedSecretId = secretId;
    return secretId;
  }

  /**
   * Drops the unwrapped SecretID. A response-wrapping token works once, so a function restored from
   * a snapshot needs a fresh one in {@code wrapped-secret-id-file} to log in (one SecretID shared by
   * every clone of a snapshot is what this prevents).
   */
  @Override
  public synchronized void forget() {
    lastWrappingToken = null;
    unwrappedSecretId = null;
  }

  @Override
  String refusedHint() {
    return "Check role-id, and that the SecretID " + (secretIdFile != null ? "in " + secretIdFile : "unwrapped from "
        + wrappedFile) + " belongs to that role and has not expired or run out of uses.";
  }

  @Override
  public String describe() {
    return "auth=approle (role-id " + roleId + ")";
  }
}
