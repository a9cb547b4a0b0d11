package io.secretsbroker.examples.gcp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Cloud Run service (JDK HTTP server, no framework) that reads its database secret with
 * {@code Secrets.get("db")} on {@code GET /orders}.
 *
 * <p>Configuration is three environment variables, none of them a secret:
 * {@code SECRETS_PROVIDER=gcp://<project>}, {@code SECRETS_ENV=prod} and {@code SECRETS_ALLOW=db};
 * the service's own service account signs in through the metadata server. The first request in an
 * instance loads the secret (one Secret Manager call, two while the secret has no {@code current}
 * alias); later ones read the in-process cache, refreshed in the background. The answer shows the
 * database host, never the secret.
 *
 * <p>Thread-safe: requests are served on a small pool; {@link Secrets} is safe for concurrent use.
 */
public final class OrdersService {
  private static final Logger LOG = Logger.getLogger(OrdersService.class.getName());

  private OrdersService() {}

  /** Listens on {@code $PORT} (Cloud Run sets it; 8080 otherwise) until the instance stops. */
  public static void main(String[] args) throws IOException {
    String port = System.getenv().getOrDefault("PORT", "8080");
    start(Integer.parseInt(port));
  }

  /** Starts the server on {@code port} (0: any free port) and returns it. */
  static HttpServer start(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 64);
    server.createContext("/orders", OrdersService::orders);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
    return server;
  }

  static void orders(HttpExchange exchange) throws IOException {
    int status;
    String body;
    try {
      String db = Secrets.get("db"); // e.g. postgresql://orders_app:<password>@10.0.0.5:5432/orders
      status = 200;
      body = "orders: database host " + hostOf(db) + "\n";
    } catch (SecretAccessDeniedException | ConfigurationException e) {
      // Messages name the secret, the project and the role to grant; they never carry a value.
      LOG.log(Level.SEVERE, e.getMessage());
      status = 500;
      body = "orders: misconfigured, see the service log\n";
    } catch (SecretsException e) {
      LOG.log(Level.WARNING, e.getMessage());
      status = 503;
      body = "orders: secrets temporarily unavailable\n";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
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
