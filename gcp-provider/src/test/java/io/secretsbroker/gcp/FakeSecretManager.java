package io.secretsbroker.gcp;

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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Google Cloud Secret Manager's REST API (v1) on WireMock, over plain http on loopback (the
 * emulator case, {@code credentials=none}), or requiring a bearer token when one is set:
 *
 * <ul>
 *   <li>{@code GET .../secrets/{id}/versions/{version|alias}:access}: {@code {"name": ".../versions/N",
 *       "payload": {"data": base64, "dataCrc32c": "decimal"}}}
 *   <li>{@code GET .../secrets/{id}/versions/{version|alias}}: the version's metadata
 *   <li>{@code POST .../secrets/{id}:addVersion}: checks a sent {@code dataCrc32c}
 *   <li>{@code POST .../secrets/{id}/versions/{n}:disable}
 *   <li>{@code GET .../secrets/{id}} and {@code PATCH .../secrets/{id}?updateMask=versionAliases}
 *       (also {@code POST} with {@code X-HTTP-Method-Override: PATCH}), the etag checked
 * </ul>
 *
 * Global ({@code /v1/projects/P/secrets/...}) and regional ({@code /v1/projects/P/locations/L/...})
 * paths. Resource names in answers carry the project number, as the service's do. Errors are
 * Google's JSON error bodies with the service's messages: 404 NOT_FOUND, 403 PERMISSION_DENIED with
 * an ErrorInfo, 400 FAILED_PRECONDITION for a disabled or destroyed version and for a stale etag.
 * Faults beyond that are WireMock stubs added by tests at a higher priority.
 */
final class FakeSecretManager implements ResponseDefinitionTransformerV2, AutoCloseable {
  static final String PROJECT_NUMBER = "123456789012";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PATH = Pattern.compile(
      "/v1/projects/([^/]+)(?:/locations/([^/]+))?/secrets/([^/:]+)(.*)");

  /** One stored version. */
  static final class Version {
    final String number;
    final byte[] data;
    final Instant created = Instant.now();
    volatile String state = "ENABLED";
    volatile boolean clientChecksum;

    Version(String number, byte[] data) {
      this.number = number;
      this.data = data;
    }
  }

  /** One secret: versions in creation order, aliases, and the etag that changes on every patch. */
  static final class Secret {
    final List<Version> versions = new ArrayList<>();
    final Map<String, String> aliases = new LinkedHashMap<>();
    int etag = 1;

    String etag() {
      return "\"" + Integer.toHexString(0x5e7a00 + etag) + "\"";
    }
  }

  private final String project;
  private final String location;
  private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
  private final Set<String> denied = ConcurrentHashMap.newKeySet();
  private final Set<String> corruptChecksum = ConcurrentHashMap.newKeySet();
  private final Set<String> omitChecksum = ConcurrentHashMap.newKeySet();
  /** The bearer token requests must carry, or null to accept unauthenticated requests. */
  volatile String requiredToken;
  /** Runs once inside the next alias patch, before its etag is checked: a concurrent writer. */
  volatile Runnable beforeNextPatch;
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  /** When set, :access calls wait on it; {@link #parked} counts them in. */
  volatile CountDownLatch gate;
  final Semaphore parked = new Semaphore(0);
  final WireMockServer server;

  FakeSecretManager(String project, String location) {
    this.project = project;
    this.location = location;
    server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().containerThreads(40)
        .extensions(this));
    server.start();
    server.stubFor(any(urlPathMatching("/v1/.*")).atPriority(10)
        .willReturn(new ResponseDefinitionBuilder().withTransformers(getName())));
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.port();
  }

  /** Adds a version; it becomes latest, and current too when the secret has that alias. */
  String seed(String secretId, byte[] value) {
    Secret s = secrets.computeIfAbsent(secretId, k -> new Secret());
    synchronized (s) {
      Version v = add(s, value);
      if (s.aliases.containsKey("current")) {
        s.aliases.put("current", v.number);
        s.etag++;
      }
      return v.number;
    }
  }

  /** Adds a version without moving any alias (as 'gcloud secrets versions add' does). */
  String addVersionOnly(String secretId, byte[] value) {
    Secret s = secrets.get(secretId);
    synchronized (s) {
      return add(s, value).number;
    }
  }

  /** Creates a secret with no versions. */
  void create(String secretId) {
    secrets.computeIfAbsent(secretId, k -> new Secret());
  }

  void deny(String secretId) {
    denied.add(secretId);
  }

  void corruptChecksum(String secretId) {
    corruptChecksum.add(secretId);
  }

  void omitChecksum(String secretId) {
    omitChecksum.add(secretId);
  }

  void setState(String secretId, String version, String state) {
    version(secrets.get(secretId), version).state = state;
  }

  /** A copy of the secret's aliases. */
  Map<String, String> aliases(String secretId) {
    Secret s = secrets.get(secretId);
    synchronized (s) {
      return new LinkedHashMap<>(s.aliases);
    }
  }

  /** Sets an alias directly (as gcloud would), changing the etag. */
  void setAlias(String secretId, String alias, String version) {
    Secret s = secrets.get(secretId);
    synchronized (s) {
      s.aliases.put(alias, version);
      s.etag++;
    }
  }

  String state(String secretId, String version) {
    return version(secrets.get(secretId), version).state;
  }

  boolean clientChecksum(String secretId, String version) {
    return version(secrets.get(secretId), version).clientChecksum;
  }

  int versionCount(String secretId) {
    Secret s = secrets.get(secretId);
    synchronized (s) {
      return s.versions.size();
    }
  }

  @Override
  public String getName() {
    return "fake-secret-manager";
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  @Override
  public ResponseDefinition transform(ServeEvent event) {
    LoggedRequest req = event.getRequest();
    String token = requiredToken;
    if (token != null && !("Bearer " + token).equals(req.getHeader("Authorization"))) {
      return error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access"
          + " token, login cookie or other valid authentication credential.", null);
    }
    String path = req.getUrl().replaceFirst("\\?.*$", "");
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      return error(404, "NOT_FOUND", "Requested entity was not found.", null);
    }
    if (!m.group(1).equals(project) || !java.util.Objects.equals(m.group(2), location)) {
      return error(403, "PERMISSION_DENIED", "Permission denied on resource project " + m.group(1) + ".",
          "CONSUMER_INVALID");
    }
    String secretId = m.group(3);
    String rest = m.group(4);
    String method = req.getMethod().getName();
    if (method.equals("POST") && "PATCH".equals(req.getHeader("X-HTTP-Method-Override"))) {
      method = "PATCH";
    }
    String resource = "projects/" + PROJECT_NUMBER + (location == null ? "" : "/locations/" + location)
        + "/secrets/" + secretId;
    if (denied.contains(secretId)) {
      String permission = rest.endsWith(":access") ? "secretmanager.versions.access" : "secretmanager.secrets.get";
      return error(403, "PERMISSION_DENIED", "Permission '" + permission + "' denied for resource '" + resource
          + (rest.startsWith("/versions/") ? rest.replace(":access", "") : "") + "' (or it may not exist).",
          "IAM_PERMISSION_DENIED");
    }
    Secret s = secrets.get(secretId);
    if (s == null) {
      return error(404, "NOT_FOUND", "Secret [" + resource + "] not found or has no versions.", null);
    }
    synchronized (s) {
      if (rest.isEmpty() && method.equals("GET")) {
        return ok(secretJson(s, resource));
      }
      if (rest.isEmpty() && method.equals("PATCH")) {
        return patch(s, resource, req);
      }
      if (rest.equals(":addVersion") && method.equals("POST")) {
        return addVersion(s, resource, req.getBodyAsString());
      }
      Matcher v = Pattern.compile("/versions/([^/:]+)(:access|:disable|:enable)?").matcher(rest);
      if (v.matches()) {
        Version version = version(s, v.group(1));
        if (version == null) {
          return error(404, "NOT_FOUND", "Secret Version [" + resource + "/versions/" + v.group(1) + "] not found.",
              null);
        }
        String action = v.group(2) == null ? "" : v.group(2);
        if (action.isEmpty() && method.equals("GET")) {
          return ok(versionJson(version, resource));
        }
        if (action.equals(":disable") && method.equals("POST")) {
          if (version.state.equals("DESTROYED")) {
            return error(400, "FAILED_PRECONDITION", "Secret Version [" + resource + "/versions/" + version.number
                + "] is in DESTROYED state.", null);
          }
          version.state = "DISABLED";
          return ok(versionJson(version, resource));
        }
        if (action.equals(":access") && method.equals("GET")) {
          if (!version.state.equals("ENABLED")) {
            return error(400, "FAILED_PRECONDITION", "Secret Version [" + resource + "/versions/" + version.number
                + "] is in " + version.state + " state.", null);
          }
          Version found = version;
          return gated(() -> access(secretId, found, resource));
        }
      }
      return error(404, "NOT_FOUND", "The requested URL was not found on this server.", null);
    }
  }

  private ResponseDefinition gated(java.util.function.Supplier<ResponseDefinition> call) {
    CountDownLatch g = gate;
    if (g == null) {
      return call.get();
    }
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    parked.release();
    try {
      if (!g.await(10, TimeUnit.SECONDS)) {
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

  private ResponseDefinition access(String secretId, Version v, String resource) {
    ObjectNode b = JSON.createObjectNode();
    b.put("name", resource + "/versions/" + v.number);
    ObjectNode payload = b.putObject("payload");
    if (v.data.length > 0) {
      payload.put("data", Base64.getEncoder().encodeToString(v.data));
    }
    if (!omitChecksum.contains(secretId)) {
      long crc = crc32c(v.data);
      payload.put("dataCrc32c", Long.toString(corruptChecksum.contains(secretId) ? crc ^ 1 : crc));
    }
    return ok(b);
  }

  private ResponseDefinition addVersion(Secret s, String resource, String body) {
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      return error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.", null);
    }
    JsonNode payload = json.path("payload");
    byte[] data = Base64.getDecoder().decode(payload.path("data").asText(""));
    boolean checksum = payload.hasNonNull("dataCrc32c");
    if (checksum && Long.parseLong(payload.get("dataCrc32c").asText()) != crc32c(data)) {
      return error(400, "INVALID_ARGUMENT", "Checksum mismatch: the data_crc32c does not match the payload.", null);
    }
    Version v = add(s, data);
    v.clientChecksum = checksum;
    return ok(versionJson(v, resource));
  }

  private ResponseDefinition patch(Secret s, String resource, LoggedRequest req) {
    if (!"versionAliases".equals(req.queryParameter("updateMask").firstValue())) {
      return error(400, "INVALID_ARGUMENT", "updateMask must be versionAliases in this fake.", null);
    }
    Runnable hook = beforeNextPatch;
    if (hook != null) {
      beforeNextPatch = null;
      hook.run();
    }
    JsonNode json;
    try {
      json = JSON.readTree(req.getBodyAsString());
    } catch (IOException e) {
      return error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.", null);
    }
    if (json.hasNonNull("etag") && !json.get("etag").asText().equals(s.etag())) {
      return error(400, "FAILED_PRECONDITION", "The etag provided in the request does not match the current etag of"
          + " the resource.", null);
    }
    Map<String, String> aliases = new LinkedHashMap<>();
    var it = json.path("versionAliases").fields();
    while (it.hasNext()) {
      var e = it.next();
      if (version(s, e.getValue().asText()) == null || e.getKey().matches("[0-9]+|latest")) {
        return error(400, "INVALID_ARGUMENT", "Invalid version alias " + e.getKey() + ".", null);
      }
      aliases.put(e.getKey(), e.getValue().asText());
    }
    s.aliases.clear();
    s.aliases.putAll(aliases);
    s.etag++;
    return ok(secretJson(s, resource));
  }

  private static Version add(Secret s, byte[] data) {
    Version v = new Version(Integer.toString(s.versions.size() + 1), data.clone());
    s.versions.add(v);
    return v;
  }

  private static Version version(Secret s, String ref) {
    synchronized (s) {
      if (s.versions.isEmpty()) {
        return null;
      }
      String number = ref.equals("latest") ? s.versions.get(s.versions.size() - 1).number
          : ref.matches("[0-9]+") ? ref : s.aliases.get(ref);
      return number == null ? null : s.versions.stream().filter(x -> x.number.equals(number)).findFirst().orElse(null);
    }
  }

  private ObjectNode secretJson(Secret s, String resource) {
    ObjectNode b = JSON.createObjectNode();
    b.put("name", resource);
    b.putObject("replication").putObject("automatic");
    b.put("createTime", "2026-11-30T10:00:00.000000Z");
    b.put("etag", s.etag());
    if (!s.aliases.isEmpty()) {
      ObjectNode a = b.putObject("versionAliases");
      s.aliases.forEach(a::put); // int64 values are strings in proto3 JSON
    }
    return b;
  }

  private static ObjectNode versionJson(Version v, String resource) {
    ObjectNode b = JSON.createObjectNode();
    b.put("name", resource + "/versions/" + v.number);
    b.put("createTime", v.created.toString());
    b.put("state", v.state);
    b.put("etag", "\"" + Long.toHexString(v.created.toEpochMilli()) + "\"");
    b.put("clientSpecifiedPayloadChecksum", v.clientChecksum);
    return b;
  }

  static long crc32c(byte[] data) {
    CRC32C c = new CRC32C();
    c.update(data);
    return c.getValue();
  }

  private static ResponseDefinition ok(ObjectNode body) {
    return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
        .withBody(body.toString()).build();
  }

  /** Google's JSON error body. */
  static ResponseDefinition error(int code, String status, String message, String reason) {
    return new ResponseDefinitionBuilder().withStatus(code).withHeader("Content-Type", "application/json; charset=UTF-8")
        .withBody(errorBody(code, status, message, reason)).build();
  }

  static String errorBody(int code, String status, String message, String reason) {
    ObjectNode b = JSON.createObjectNode();
    ObjectNode e = b.putObject("error");
    e.put("code", code);
    e.put("message", message);
    e.put("status", status);
    if (reason != null) {
      ObjectNode d = e.putArray("details").addObject();
      d.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
      d.put("reason", reason);
      d.put("domain", reason.equals("IAM_PERMISSION_DENIED") ? "iam.googleapis.com" : "googleapis.com");
    }
    return b.toString();
  }

  @Override
  public void close() {
    server.stop();
  }
}
