package io.secretsbroker.examples.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.secretsbroker.Secrets;
import java.util.Map;

/**
 * A Lambda function that needs a database password. The only secrets code is
 * {@code Secrets.get("db")}; which store it comes from is {@code secrets.properties}
 * ({@code aws://}), and the credential is the function's execution role.
 *
 * <p>The first invocation of a fresh container reads the secret (one {@code GetSecretValue});
 * later invocations are served from the in-process cache, refreshed in the background. Lambda
 * creates one instance per container and calls it one event at a time; the class keeps no state.
 * A missing secret or permission fails the invocation with a typed exception whose message names
 * the secret and the IAM action to grant; it never contains the value.
 */
public final class DbHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
    String password = Secrets.get("db");
    // A real function would open its connection pool with the password here. The response only
    // says that it was there: a secret never goes into a response or a log line.
    return Map.of("status", "ok", "secret", "db", "loaded", !password.isEmpty());
  }
}
