package io.secretsbroker.examples.quarkus;

import io.secretsbroker.SecretsClient;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import java.util.function.Supplier;

/**
 * A small HTTP function: it "signs" an order with the payment API key, read through the
 * {@code secretsbroker} extension. The key is a placeholder in application.properties
 * ({@code payments.api-key=${secrets.payments.api-key}}), read per request through a
 * {@link Supplier} so a rotated key is used at once; the response names the key's version and
 * carries nothing of the key (not even its length).
 *
 * <p>Thread-safe: the resource holds only the thread-safe client and config supplier.
 */
@Path("/orders")
public class OrdersResource {

  @Inject
  @ConfigProperty(name = "payments.api-key")
  Supplier<String> apiKey;

  @Inject
  SecretsClient secrets;

  @GET
  @Path("/{id}")
  @Produces(MediaType.TEXT_PLAIN)
  public String order(@PathParam("id") String id) {
    String key = apiKey.get(); // a real function hands it to the payment API here
    if (key.isBlank()) {
      throw new IllegalStateException("secret 'payments' has an empty api-key field");
    }
    String version = secrets.value("payments").versionId();
    return "order " + id + " signed with payments key version " + version;
  }
}
