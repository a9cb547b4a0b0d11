package io.secretsbroker.vault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.SecretAccessDeniedException;
import java.time.Clock;

/**
 * A login method that posts a body to {@code /v1/auth/<mount>/login} and gets a token back: every
 * method but the token file. Subclasses build the body from the platform identity and say what
 * to check when Vault refuses it. Thread-safe when {@link #body} is.
 */
abstract class LoginAuth implements VaultAuth {
  final String method;
  final String mount;
  final String role;
  private final Clock clock;

  LoginAuth(String method, String mount, String role, Clock clock) {
    this.method = method;
    this.mount = mount;
    this.role = role;
    this.clock = clock;
  }

  /** The login request body, built from a fresh identity proof. */
  abstract ObjectNode body(VaultHttp http);

  /** What to check when Vault refuses the login. */
  abstract String refusedHint();

  @Override
  public Token login(VaultHttp http) {
    String what = "logging in with " + describe();
    VaultHttp.Response r = http.send("POST", "auth/" + mount + "/login", body(http), null, what);
    if (r.ok()) {
      return Token.fromAuth(r.body().path("auth"), clock, what);
    }
    if (VaultErrors.retryable(r.status())) {
      throw VaultErrors.unavailable(r, what);
    }
    if (r.status() == 400 || r.status() == 401 || r.status() == 403) {
      String detail = VaultErrors.detail(r.body());
      throw new SecretAccessDeniedException("Vault refused the login with " + describe() + " at auth/" + mount
          + "/login (HTTP " + r.status() + (detail.isEmpty() ? "" : ": " + detail) + "). " + refusedHint());
    }
    throw VaultErrors.unexpected(r, what);
  }

  /** A login body with the role, when one is configured. */
  ObjectNode withRole() {
    ObjectNode body = VaultHttp.object();
    if (role != null) {
      body.put("role", role);
    }
    return body;
  }

  @Override
  public String describe() {
    return "auth=" + method + (role == null ? "" : " (role " + role + ")");
  }
}
