package io.secretsbroker.examples.localdemo;

import io.secretsbroker.Secrets;

/**
 * The function: a handler a serverless platform would invoke once per request. It reads the
 * database password with {@code Secrets.get("db")} on every invocation (the cache makes that a
 * memory read) and "connects" with it. Which store {@code "db"} comes from is configuration
 * ({@code secrets.provider}), not code.
 *
 * <p>Threads: stateless; safe for concurrent invocations. Failure behaviour: a secret that cannot
 * be read throws the client's {@link io.secretsbroker.SecretsException}, which the platform would
 * report as a failed invocation. The response carries no part of the password: only
 * its version id, which tells versions apart.
 */
public final class DbFunction {

  /** What the function answers: the request it served and the version of the credential it used. */
  public record Response(String requestId, String passwordVersion) {}

  public Response handle(String requestId) {
    String password = Secrets.get("db");
    // a real function would open its connection pool with the password here; it refuses an empty one
    if (password.isEmpty()) {
      throw new IllegalStateException("secret 'db' is empty: the function cannot log in with it");
    }
    return new Response(requestId, Secrets.value("db").versionId());
  }
}
