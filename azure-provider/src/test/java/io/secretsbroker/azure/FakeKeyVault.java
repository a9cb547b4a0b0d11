package io.secretsbroker.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Key Vault secrets endpoint on WireMock over HTTPS, speaking the REST API the SDK uses:
 * {@code GET /secrets/{name}[/{version}]?api-version=...} and {@code PUT /secrets/{name}}, with
 * Key Vault's bearer challenge (an unauthenticated request gets 401 and
 * {@code WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/tenant",
 * resource="https://vault.azure.net"}), its JSON error bodies (404 SecretNotFound, 403 Forbidden
 * with ForbiddenByRbac or SecretDisabled) and Unix-second timestamps. Names are case-insensitive,
 * as in Key Vault. Fault stubs (429, 500, delays) are added by tests at a higher priority.
 */
final class FakeKeyVault implements ResponseDefinitionTransformerV2, AutoCloseable {
  static final String TOKEN = "test-access-token";
  static final String CHALLENGE = "Bearer authorization=\"https://login.microsoftonline.com/tenant\","
      + " resource=\"https://vault.azure.net\"";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One stored version. */
  record Version(String id, String value, String contentType, boolean enabled, Instant created, Instant expires,
      Instant notBefore, Map<String, String> tags) {
    Version(String id, String value, String contentType, boolean enabled, Instant created, Instant expires,
        Instant notBefore) {
      this(id, value, contentType, enabled, created, expires, notBefore, Map.of());
    }
  }

  /** Soft-deleted secrets (every version), by lower-case name: their names are blocked until purged. */
  private final Map<String, List<Version>> deleted = new ConcurrentHashMap<>();

  private final Map<String, List<Version>> secrets = new ConcurrentHashMap<>();
  private final Set<String> denied = ConcurrentHashMap.newKeySet();
  final AtomicInteger challenged = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  /** When set, authorised GETs wait on it (to observe concurrency); {@link #parked} counts them in. */
  volatile java.util.concurrent.CountDownLatch gate;
  final java.util.concurrent.Semaphore parked = new java.util.concurrent.Semaphore(0);
  final WireMockServer server;

  FakeKeyVault() {
    server = new WireMockServer(wireMockConfig()
        .httpDisabled(true)
        .dynamicHttpsPort()
        .keystorePath(TestTls.keyStore().toString())
        .keystorePassword(TestTls.PASSWORD)
        .keyManagerPassword(TestTls.PASSWORD)
        .keystoreType("PKCS12")
        .containerThreads(40)
        .extensions(this));
    server.start();
    server.stubFor(any(urlPathMatching("/secrets/.*")).atPriority(10)
        .willReturn(new ResponseDefinitionBuilder().withTransformers(getName())));
    server.stubFor(any(urlPathMatching("/deletedsecrets/.*")).atPriority(10)
        .willReturn(new ResponseDefinitionBuilder().withTransformers(getName())));
  }

  /** {@code https://localhost:port}, or with {@code 127.0.0.1} as the host. */
  String endpoint(String host) {
    return "https://" + host + ":" + server.httpsPort();
  }

  String seed(String vaultName, String value, String contentType, boolean enabled, Instant expires,
      Instant notBefore) {
    String id = UUID.randomUUID().toString().replace("-", "");
    secrets.computeIfAbsent(key(vaultName), k -> new ArrayList<>())
        .add(new Version(id, value, contentType, enabled, Instant.now(), expires, notBefore));
    return id;
  }

  void deny(String vaultName) {
    denied.add(key(vaultName));
  }

  @Override
  public String getName() {
    return "fake-key-vault";
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  @Override
  public ResponseDefinition transform(ServeEvent event) {
    LoggedRequest req = event.getRequest();
    String auth = req.getHeader("Authorization");
    if (auth == null || auth.isEmpty()) {
      challenged.incrementAndGet();
      return error(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.", null)
          .withHeader("WWW-Authenticate", CHALLENGE).build();
    }
    if (!auth.equals("Bearer " + TOKEN)) {
      return error(401, "Unauthorized", "AKV10022: Invalid audience.", null).build();
    }
    if (req.queryParameter("api-version") == null || !req.queryParameter("api-version").isPresent()) {
      return error(400, "BadParameter", "The api-version query parameter is missing.", null).build();
    }
    String path = req.getUrl().replaceFirst("\\?.*$", "");
    if (path.startsWith("/deletedsecrets/")) {
      return deletedSecret(req.getMethod().getName(), path.substring("/deletedsecrets/".length()));
    }
    String[] parts = path.substring("/secrets/".length()).split("/");
    String name = parts[0];
    if (denied.contains(key(name))) {
      return error(403, "Forbidden", "Caller is not authorized to perform action on resource. Action:"
          + " 'Microsoft.KeyVault/vaults/secrets/getSecret/action'", "ForbiddenByRbac").build();
    }
    switch (req.getMethod().getName()) {
      case "GET":
        return gated(() -> get(name, parts.length > 1 ? parts[1] : null));
      case "PUT":
        return put(name, req.getBodyAsString());
      case "DELETE":
        return delete(name);
      default:
        return error(405, "MethodNotAllowed", "Not supported by the fake.", null).build();
    }
  }

  private ResponseDefinition gated(java.util.function.Supplier<ResponseDefinition> call) {
    java.util.concurrent.CountDownLatch g = gate;
    if (g == null) {
      return call.get();
    }
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    parked.release();
    try {
      if (!g.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new IllegalStateException("gate never opened");
      }
      return call.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private ResponseDefinition get(String name, String version) {
    List<Version> versions = secrets.get(key(name));
    if (versions == null || versions.isEmpty()) {
      return error(404, "SecretNotFound", "A secret with (name/id) " + name + " was not found in this key vault.",
          null).build();
    }
    Version v;
    synchronized (versions) {
      v = version == null || version.isEmpty() ? versions.get(versions.size() - 1)
          : versions.stream().filter(x -> x.id().equals(version)).findFirst().orElse(null);
    }
    if (v == null) {
      return error(404, "SecretNotFound", "A secret with (name/id) " + name + "/" + version
          + " was not found in this key vault.", null).build();
    }
    if (!v.enabled()) {
      return error(403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled").build();
    }
    return ok(bundle(name, v));
  }

  /** Soft delete, as a vault with soft delete on does it: the name is blocked until purged. */
  private ResponseDefinition delete(String name) {
    List<Version> versions = secrets.remove(key(name));
    if (versions == null || versions.isEmpty()) {
      return error(404, "SecretNotFound", "A secret with (name/id) " + name + " was not found in this key vault.",
          null).build();
    }
    deleted.put(key(name), versions);
    return ok(deletedBundle(name, versions.get(versions.size() - 1)));
  }

  /** {@code GET /deletedsecrets/{name}} (the delete poller) and {@code DELETE} (purge). */
  private ResponseDefinition deletedSecret(String method, String name) {
    List<Version> versions = deleted.get(key(name));
    if (versions == null) {
      return error(404, "SecretNotFound", "Deleted Secret not found", null).build();
    }
    if (method.equals("DELETE")) {
      deleted.remove(key(name));
      return new ResponseDefinitionBuilder().withStatus(204).build();
    }
    return ok(deletedBundle(name, versions.get(versions.size() - 1)));
  }

  private ObjectNode deletedBundle(String name, Version v) {
    ObjectNode b = bundle(name, v);
    b.remove("value");
    b.put("recoveryId", endpoint("localhost") + "/deletedsecrets/" + name);
    b.put("deletedDate", Instant.now().getEpochSecond());
    b.put("scheduledPurgeDate", Instant.now().plusSeconds(90L * 24 * 3600).getEpochSecond());
    return b;
  }

  /** Whether a soft-deleted secret of that name is waiting to be purged. */
  boolean isDeleted(String vaultName) {
    return deleted.containsKey(key(vaultName));
  }

  private ResponseDefinition put(String name, String body) {
    if (deleted.containsKey(key(name))) {
      return error(409, "Conflict", "Secret " + name + " is currently in a deleted but recoverable state, and its"
          + " name cannot be reused; in this state, the secret can only be recovered or purged.",
          "ObjectIsDeletedButRecoverable").build();
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      return error(400, "BadParameter", "The request body is not JSON.", null).build();
    }
    if (!json.hasNonNull("value")) {
      return error(400, "BadParameter", "Property value is required.", null).build();
    }
    String contentType = json.hasNonNull("contentType") ? json.get("contentType").asText() : null;
    Map<String, String> tags = new java.util.LinkedHashMap<>();
    json.path("tags").fields().forEachRemaining(f -> tags.put(f.getKey(), f.getValue().asText()));
    String id = UUID.randomUUID().toString().replace("-", "");
    secrets.computeIfAbsent(key(name), k -> new ArrayList<>())
        .add(new Version(id, json.get("value").asText(), contentType, true, Instant.now(), null, null, Map.copyOf(tags)));
    List<Version> versions = secrets.get(key(name));
    return ok(bundle(name, versions.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow()));
  }

  private ObjectNode bundle(String name, Version v) {
    ObjectNode b = JSON.createObjectNode();
    b.put("value", v.value());
    if (v.contentType() != null) {
      b.put("contentType", v.contentType());
    }
    b.put("id", endpoint("localhost") + "/secrets/" + name + "/" + v.id());
    ObjectNode attrs = b.putObject("attributes");
    attrs.put("enabled", v.enabled());
    attrs.put("created", v.created().getEpochSecond());
    attrs.put("updated", v.created().getEpochSecond());
    if (v.expires() != null) {
      attrs.put("exp", v.expires().getEpochSecond());
    }
    if (v.notBefore() != null) {
      attrs.put("nbf", v.notBefore().getEpochSecond());
    }
    attrs.put("recoveryLevel", "Recoverable+Purgeable");
    ObjectNode tags = b.putObject("tags");
    v.tags().forEach(tags::put);
    return b;
  }

  private static ResponseDefinition ok(ObjectNode body) {
    return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
        .withBody(body.toString()).build();
  }

  static ResponseDefinitionBuilder error(int status, String code, String message, String innerCode) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode err = root.putObject("error");
    err.put("code", code);
    err.put("message", message);
    if (innerCode != null) {
      err.putObject("innererror").put("code", innerCode);
    }
    return new ResponseDefinitionBuilder().withStatus(status)
        .withHeader("Content-Type", "application/json; charset=utf-8").withBody(root.toString());
  }

  private static String key(String vaultName) {
    return vaultName.toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public void close() {
    server.stop();
  }
}
