package io.secretsbroker.vault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Vault's {@code kubernetes} and {@code jwt} auth methods: a service-account or OIDC token read
 * from {@code token-file} (re-read on every login, since projected tokens rotate) is posted with
 * {@code role}. For {@code kubernetes} the file defaults to the pod's service-account token.
 * Thread-safe.
 */
final class JwtFileAuth extends LoginAuth {
  static final String KUBERNETES_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

  private final Path tokenFile;

  JwtFileAuth(VaultSettings s, Clock clock) {
    super(s.method.id, s.authMount, s.auth("role").orElse(null), clock);
    this.tokenFile = Path.of(s.auth("token-file").orElse(KUBERNETES_TOKEN));
  }

  @Override
  ObjectNode body(VaultHttp http) {
    ObjectNode body = withRole();
    body.put("jwt", VaultAuth.readFile(tokenFile, "token-file"));
    return body;
  }

  @Override
  String refusedHint() {
    return method.equals("kubernetes")
        ? "Check that role '" + role + "' exists at auth/" + mount + "/role/ and binds this pod's service account"
            + " name and namespace (bound_service_account_names/namespaces)."
        : "Check that " + (role == null ? "the default role" : "role '" + role + "'") + " exists at auth/" + mount
            + "/role/, that its bound_audiences and bound_claims match the token in " + tokenFile
            + ", and that the token has not expired.";
  }
}
