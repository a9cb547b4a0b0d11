package io.secretsbroker.quarkus.coldstart;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * The cold-start peer of {@code examples/quarkus-function}'s {@code OrdersResource}: the same
 * endpoint and response, the payment API key read through the Quarkiverse extension's injected
 * {@link SecretsManagerClient} (that extension has no config source, so the app calls
 * {@code GetSecretValue} itself and takes the JSON field with the SDK's own JSON parser). Like the
 * example, it reads per request and returns the version id and the key's length, never the key.
 *
 * <p>Thread-safe: the SDK client is.
 */
@Path("/orders")
public class PeerOrdersResource {

  @Inject
  SecretsManagerClient secretsManager;

  @ConfigProperty(name = "payments.secret-id")
  String secretId;

  @GET
  @Path("/{id}")
  @Produces(MediaType.TEXT_PLAIN)
  public String order(@PathParam("id") String id) {
    GetSecretValueResponse secret = secretsManager.getSecretValue(r -> r.secretId(secretId));
    String key = JsonNode.parser().parse(secret.secretString()).field("api-key")
        .orElseThrow(() -> new IllegalStateException("secret " + secretId + " has no api-key field")).asString();
    if (key.isBlank()) {
      throw new IllegalStateException("secret " + secretId + " has an empty api-key field");
    }
    return "order " + id + " signed with payments key version " + secret.versionId();
  }
}
