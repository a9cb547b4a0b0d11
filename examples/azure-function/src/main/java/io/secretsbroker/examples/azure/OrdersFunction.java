package io.secretsbroker.examples.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.logging.Level;

/**
 * An HTTP-triggered Azure Function that reads its database secret with {@code Secrets.get("db")}.
 *
 * <p>Configuration is two app settings (no secret in either): {@code SECRETS_PROVIDER=azure://<vault>.vault.azure.net}
 * and {@code SECRETS_ALLOW=db}; the function app's managed identity signs in to Key Vault. The
 * first invocation in an instance loads the secret (one Key Vault call); later ones read the
 * in-process cache, refreshed in the background. The response shows which database host the
 * function would talk to, never the secret.
 *
 * <p>Thread-safe: the Functions host may call {@link #run} concurrently; {@link Secrets} is.
 */
public class OrdersFunction {

  @FunctionName("orders")
  public HttpResponseMessage run(
      @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION)
      HttpRequestMessage<Optional<String>> request,
      ExecutionContext context) {
    try {
      String db = Secrets.get("db"); // e.g. postgresql://orders_app:<password>@orders-db.internal:5432/orders
      return request.createResponseBuilder(HttpStatus.OK)
          .header("Content-Type", "text/plain; charset=utf-8")
          .body("orders: database host " + hostOf(db) + "\n")
          .build();
    } catch (SecretAccessDeniedException | ConfigurationException e) {
      // Messages name the secret, the vault and the role to grant; they never carry a value.
      context.getLogger().log(Level.SEVERE, e.getMessage());
      return request.createResponseBuilder(HttpStatus.INTERNAL_SERVER_ERROR)
          .body("orders: misconfigured, see the function log\n").build();
    } catch (SecretsException e) {
      context.getLogger().log(Level.WARNING, e.getMessage());
      return request.createResponseBuilder(HttpStatus.SERVICE_UNAVAILABLE)
          .body("orders: secrets temporarily unavailable\n").build();
    }
  }

  /** The host of a database URL, the one part of the secret that is safe to show. */
  static String hostOf(String url) {
    try {
      String host = new URI(url.startsWith("jdbc:") ? url.substring(5) : url).getHost();
      return host == null ? "(not a URL)" : host;
    } catch (URISyntaxException e) {
      return "(not a URL)"; // e.getMessage() would quote the secret: do not log it
    }
  }
}
