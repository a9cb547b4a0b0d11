package io.secretsbroker.vault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.testkit.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A small, stateful Vault on a loopback WireMock server, speaking Vault's HTTP API and error
 * bodies ({@code {"errors": [...]}}): KV v2 under {@code secret/} (versions, check-and-set, soft
 * delete, destroy), a {@code database/creds/<role>} dynamic engine with leases and
 * {@code sys/leases/revoke}, the login endpoints of every auth method this provider uses, tokens
 * with TTL, max TTL and renewal ({@code renew-self}, {@code lookup-self}, {@code revoke-self}),
 * response wrapping ({@code sys/wrapping/unwrap}), a sealed state, and per-path policy denials.
 * It also plays the Azure identity endpoints (IMDS and App Service's IDENTITY_ENDPOINT).
 *
 * <p>Time is {@link #clock}, shared with the provider under test. As a JUnit extension it starts
 * before the class, resets before each test and stops after the class. Faults are WireMock stubs
 * ahead of the fake ({@link #failOnce}). Tests only.
 */
final class FakeVault implements ResponseDefinitionTransformerV2, BeforeAllCallback, AfterAllCallback,
    BeforeEachCallback {
  static final String MOUNT = "secret";
  static final String ROLE_ID = "test-role-id";
  static final String JWT = "eyJhbGciOiJSUzI1NiJ9.test-service-account.sig";
  static final String AZURE_TOKEN = "eyJ0eXAiOiJKV1QifQ.test-managed-identity.sig"; // secrets-guard:allow fake token the stub identity endpoint hands out
  static final String IDENTITY_HEADER = "test-identity-header";
  static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static final class Version {
    final JsonNode data;
    final Instant created;
    Instant deletion;
    boolean destroyed;

    Version(JsonNode data, Instant created) {
      this.data = data;
      this.created = created;
    }
  }

  static final class TokenState {
    final Duration ttl;
    final boolean renewable;
    final Instant maxExpiry;
    Instant expiry;
    boolean revoked;

    TokenState(Duration ttl, boolean renewable, Instant now, Duration maxTtl) {
      this.ttl = ttl;
      this.renewable = renewable;
      this.expiry = ttl.isZero() ? null : now.plus(ttl);
      this.maxExpiry = maxTtl == null ? null : now.plus(maxTtl);
    }
  }

  final ManualClock clock = new ManualClock(START);
  private final WireMockServer server;
  private final Map<String, List<Version>> kv = new HashMap<>();
  private final Set<String> denied = new HashSet<>();
  private final Map<String, TokenState> tokens = new HashMap<>();
  private final Map<String, String> wrapped = new HashMap<>();
  private final Set<String> secretIds = new HashSet<>();
  final Map<String, Instant> leases = new HashMap<>();
  final List<String> revokedLeases = new ArrayList<>();
  private boolean sealed;
  Duration tokenTtl;
  Duration tokenMaxTtl;
  boolean tokenRenewable;
  Duration leaseDuration;
  private Path dir;

  FakeVault() {
    server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(this));
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("fake-vault");
    server.start();
    reset();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    reset();
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    server.stop();
    try (var files = Files.walk(dir)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }
  }

  synchronized void reset() {
    kv.clear();
    denied.clear();
    tokens.clear();
    wrapped.clear();
    secretIds.clear();
    leases.clear();
    revokedLeases.clear();
    sealed = false;
    tokenTtl = Duration.ofHours(1);
    tokenMaxTtl = Duration.ofHours(24);
    tokenRenewable = true;
    leaseDuration = Duration.ofHours(1);
    server.resetAll();
    server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withTransformers(getName())));
  }

  WireMockServer server() {
    return server;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  // ---- providers over this fake ----

  /** The settings for {@code vault+http://127.0.0.1:<port>/secret?<query>}. */
  VaultSettings settings(String query) {
    return settingsAt(MOUNT, query);
  }

  VaultSettings settingsAt(String mount, String query) {
    return VaultSettings.parse(ProviderUri.parse("vault+http://127.0.0.1:" + server.port() + "/" + mount + "?" + query));
  }

  /** A provider logging in with AppRole (the SecretID in a file): the default for tests that are not about auth. */
  VaultSecretProvider provider() {
    return provider(appRole());
  }

  /** The query of an AppRole login with a fresh, valid SecretID file. */
  String appRole() {
    return "auth=approle&role-id=" + ROLE_ID + "&secret-id-file=" + secretIdFile();
  }

  VaultSecretProvider provider(String query) {
    return provider(query, Map.of());
  }

  /** A provider whose platform sources (env, IMDS, AWS credentials) are this fake and test values. */
  VaultSecretProvider provider(String query, Map<String, String> env) {
    return providerAt(MOUNT, query, env);
  }

  VaultSecretProvider providerAt(String mount, String query, Map<String, String> env) {
    VaultSettings s = settingsAt(mount, query);
    Function<String, String> lookup = env::get;
    VaultAuth auth = VaultSecretProviderFactory.auth(s, clock, StaticCredentialsProvider.create(
        AwsBasicCredentials.create("AKIDTESTONLY", "test-only-secret-key")), lookup, endpoint());
    return new VaultSecretProvider(s, VaultHttp.create(s), auth, clock);
  }

  /** A fresh, valid AppRole SecretID in a file. */
  synchronized Path secretIdFile() {
    String id = UUID.randomUUID().toString();
    secretIds.add(id);
    return file("secret-id-" + UUID.randomUUID(), id);
  }

  /** A response-wrapping token (in a file) that unwraps to a valid SecretID, once. */
  synchronized Path wrappedSecretIdFile() {
    String id = UUID.randomUUID().toString();
    secretIds.add(id);
    String wrapping = "hvs.wrap-" + UUID.randomUUID();
    wrapped.put(wrapping, id);
    return file("wrapped-" + UUID.randomUUID(), wrapping);
  }

  /** A plain token with the default TTL, as {@code vault login} would leave in ~/.vault-token. */
  synchronized Path tokenFile() {
    return file("token-" + UUID.randomUUID(), issue());
  }

  Path file(String name, String content) {
    try {
      return Files.writeString(dir.resolve(name), content + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- direct backend access ----

  /** Writes a new version the way {@code vault kv put} would; returns its version number. */
  synchronized String seed(String name, byte[] value) {
    List<Version> versions = kv.computeIfAbsent(name, k -> new ArrayList<>());
    versions.add(new Version(KvValues.encode(value), tick()));
    return Integer.toString(versions.size());
  }

  /** Writes a version holding exactly {@code data} (a KV map). */
  synchronized String seedMap(String name, String json) {
    try {
      List<Version> versions = kv.computeIfAbsent(name, k -> new ArrayList<>());
      versions.add(new Version(MAPPER.readTree(json), tick()));
      return Integer.toString(versions.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized JsonNode data(String name, int version) {
    return kv.get(name).get(version - 1).data;
  }

  synchronized int versions(String name) {
    return kv.containsKey(name) ? kv.get(name).size() : 0;
  }

  synchronized void deleteLatest(String name, Instant at) {
    List<Version> v = kv.get(name);
    v.get(v.size() - 1).deletion = at;
  }

  synchronized void destroyLatest(String name) {
    List<Version> v = kv.get(name);
    v.get(v.size() - 1).destroyed = true;
  }

  synchronized void deny(String name) {
    denied.add(name);
  }

  synchronized void seal() {
    sealed = true;
  }

  /** Revokes every token issued so far, as an operator or a Vault restart with a lost token store would. */
  synchronized void revokeAllTokens() {
    tokens.values().forEach(t -> t.revoked = true);
  }

  // ---- request journal and faults ----

  List<LoggedRequest> requests(String method, String path) {
    return server.findAll(anyRequestedFor(urlPathEqualTo(path))).stream()
        .filter(r -> r.getMethod().getName().equals(method)).toList();
  }

  int count(String method, String path) {
    return requests(method, path).size();
  }

  int totalRequests() {
    return server.getAllServeEvents().size();
  }

  JsonNode lastBody(String method, String path) {
    List<LoggedRequest> r = requests(method, path);
    try {
      return MAPPER.readTree(r.get(0).getBodyAsString()); // the journal lists newest first
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Answers the next request to a path matching {@code pathRegex} with {@code response}. */
  void failOnce(String pathRegex, ResponseDefinitionBuilder response) {
    String scenario = "once-" + UUID.randomUUID();
    server.stubFor(any(urlPathMatching(pathRegex)).atPriority(1)
        .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("done")
        .willReturn(response));
  }

  /** Answers every request to a path matching {@code pathRegex} with {@code response}. */
  void failAlways(String pathRegex, ResponseDefinitionBuilder response) {
    server.stubFor(any(urlPathMatching(pathRegex)).atPriority(1).willReturn(response));
  }

  static ResponseDefinitionBuilder vaultError(int status, String... errors) {
    ObjectNode body = MAPPER.createObjectNode();
    var arr = body.putArray("errors");
    for (String e : errors) {
      arr.add(e);
    }
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body.toString());
  }

  // ---- the wire protocol ----

  @Override
  public String getName() {
    return "fake-vault";
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  private static final class Fault extends RuntimeException {
    final int status;
    final JsonNode body;

    Fault(int status, String... errors) {
      super(null, null, false, false);
      this.status = status;
      ObjectNode b = MAPPER.createObjectNode();
      var arr = b.putArray("errors");
      for (String e : errors) {
        arr.add(e);
      }
      this.body = b;
    }

    Fault(int status, JsonNode body) {
      super(null, null, false, false);
      this.status = status;
      this.body = body;
    }
  }

  @Override
  public synchronized ResponseDefinition transform(ServeEvent event) {
    Request req = event.getRequest();
    URI url = URI.create(req.getUrl());
    String method = req.getMethod().getName();
    try {
      String path = url.getRawPath();
      if (path.startsWith("/metadata/") || path.startsWith("/msi/")) {
        return azure(req, path, query(url));
      }
      if (!path.startsWith("/v1/")) {
        throw new Fault(404);
      }
      if (sealed) {
        throw new Fault(503, "Vault is sealed");
      }
      String p = decode(path.substring(4));
      JsonNode body = req.getBodyAsString().isEmpty() ? MAPPER.createObjectNode() : MAPPER.readTree(req.getBodyAsString());
      if (p.startsWith("auth/") && p.endsWith("/login")) {
        return ok(login(p, body));
      }
      if (p.equals("sys/wrapping/unwrap")) {
        String secretId = wrapped.remove(req.getHeader("X-Vault-Token"));
        if (secretId == null) {
          throw new Fault(400, "wrapping token is not valid or does not exist");
        }
        ObjectNode out = envelope();
        out.putObject("data").put("secret_id", secretId).put("secret_id_accessor", "acc-" + secretId.hashCode());
        return ok(out);
      }
      String token = req.getHeader("X-Vault-Token");
      TokenState t = token == null ? null : tokens.get(token);
      if (t == null || t.revoked || (t.expiry != null && !clock.instant().isBefore(t.expiry))) {
        throw new Fault(403, "permission denied");
      }
      return switch (p) {
        case "auth/token/lookup-self" -> ok(lookup(t));
        case "auth/token/renew-self" -> ok(renew(token, t));
        case "auth/token/revoke-self" -> {
          t.revoked = true;
          yield ResponseDefinition.noContent();
        }
        case "sys/leases/revoke" -> {
          String lease = body.path("lease_id").asText();
          if (leases.remove(lease) == null) {
            throw new Fault(400, "invalid lease");
          }
          revokedLeases.add(lease);
          yield ResponseDefinition.noContent();
        }
        default -> {
          if (p.startsWith(MOUNT + "/data/")) {
            yield kv(method, p.substring((MOUNT + "/data/").length()), query(url), body);
          }
          if (p.startsWith(MOUNT + "/metadata/") && method.equals("DELETE")) {
            // KV v2 delete-metadata: every version and the metadata go; 204 whether or not it existed
            String name = p.substring((MOUNT + "/metadata/").length());
            if (denied.contains(name)) {
              throw new Fault(403, "1 error occurred:\n\t* permission denied\n\n");
            }
            kv.remove(name);
            yield ResponseDefinition.noContent();
          }
          if (p.startsWith("database/creds/")) {
            yield ok(dynamic(p));
          }
          throw new Fault(404, "no handler for route \"" + p + "\". route entry not found.");
        }
      };
    } catch (Fault f) {
      return new ResponseDefinition(f.status, f.body.toString());
    } catch (IOException e) {
      return new ResponseDefinition(400, "{\"errors\":[\"failed to parse JSON input\"]}");
    }
  }

  private ObjectNode login(String path, JsonNode body) {
    String method = path.substring("auth/".length(), path.length() - "/login".length());
    boolean valid;
    if (method.equals("aws") || method.startsWith("aws-")) {
      valid = validAwsLogin(body);
    } else if (method.equals("azure")) {
      valid = AZURE_TOKEN.equals(body.path("jwt").asText()) && body.hasNonNull("role")
          && body.hasNonNull("subscription_id") && body.hasNonNull("resource_group_name");
    } else if (method.equals("approle")) {
      valid = ROLE_ID.equals(body.path("role_id").asText()) && secretIds.contains(body.path("secret_id").asText());
      if (!valid) {
        throw new Fault(400, "invalid role or secret ID");
      }
    } else {
      valid = JWT.equals(body.path("jwt").asText());
    }
    if (!valid) {
      throw new Fault(403, "permission denied");
    }
    String token = issue();
    TokenState t = tokens.get(token);
    ObjectNode out = envelope();
    out.putObject("auth").put("client_token", token).put("accessor", "acc-" + token.hashCode())
        .put("lease_duration", t.ttl.toSeconds()).put("renewable", t.renewable)
        .putArray("policies").add("default");
    return out;
  }

  private static boolean validAwsLogin(JsonNode body) {
    try {
      String url = new String(Base64.getDecoder().decode(body.path("iam_request_url").asText()), StandardCharsets.UTF_8);
      String payload = new String(Base64.getDecoder().decode(body.path("iam_request_body").asText()), StandardCharsets.UTF_8);
      JsonNode headers = MAPPER.readTree(Base64.getDecoder().decode(body.path("iam_request_headers").asText()));
      return body.path("iam_http_request_method").asText().equals("POST") && url.startsWith("https://sts.")
          && payload.equals("Action=GetCallerIdentity&Version=2011-06-15")
          && headers.path("Authorization").path(0).asText().startsWith("AWS4-HMAC-SHA256 Credential=AKIDTESTONLY/");
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private String issue() {
    String token = "hvs.test-" + UUID.randomUUID();
    tokens.put(token, new TokenState(tokenTtl, tokenRenewable, clock.instant(), tokenMaxTtl));
    return token;
  }

  private ObjectNode lookup(TokenState t) {
    ObjectNode out = envelope();
    out.putObject("data").put("ttl", t.expiry == null ? 0 : Duration.between(clock.instant(), t.expiry).toSeconds())
        .put("renewable", t.renewable);
    return out;
  }

  private ObjectNode renew(String token, TokenState t) {
    if (!t.renewable) {
      throw new Fault(400, "lease is not renewable");
    }
    Instant next = clock.instant().plus(t.ttl);
    if (t.maxExpiry != null && next.isAfter(t.maxExpiry)) {
      next = t.maxExpiry;
    }
    t.expiry = next;
    ObjectNode out = envelope();
    out.putObject("auth").put("client_token", token).put("lease_duration",
        Duration.between(clock.instant(), next).toSeconds()).put("renewable", true);
    return out;
  }

  private ResponseDefinition kv(String method, String name, Map<String, String> query, JsonNode body) {
    if (denied.contains(name)) {
      throw new Fault(403, "1 error occurred:\n\t* permission denied\n\n");
    }
    List<Version> versions = kv.get(name);
    if (method.equals("GET")) {
      if (versions == null) {
        throw new Fault(404);
      }
      int n = query.containsKey("version") ? Integer.parseInt(query.get("version")) : versions.size();
      if (n < 1 || n > versions.size()) {
        throw new Fault(404);
      }
      Version v = versions.get(n - 1);
      ObjectNode out = envelope();
      ObjectNode data = out.putObject("data");
      boolean gone = v.destroyed || (v.deletion != null && !v.deletion.isAfter(clock.instant()));
      if (gone) {
        data.putNull("data");
      } else {
        data.set("data", v.data);
      }
      data.set("metadata", metadata(v, n));
      if (gone) {
        throw new Fault(404, out);
      }
      return ok(out);
    }
    if (method.equals("POST") || method.equals("PUT")) {
      int current = versions == null ? 0 : versions.size();
      JsonNode cas = body.path("options").path("cas");
      if (!cas.isMissingNode() && cas.asInt() != current) {
        throw new Fault(400, "check-and-set parameter did not match the current version");
      }
      if (!body.path("data").isObject()) {
        throw new Fault(400, "no data provided");
      }
      List<Version> list = kv.computeIfAbsent(name, k -> new ArrayList<>());
      Version v = new Version(body.get("data"), tick());
      list.add(v);
      ObjectNode out = envelope();
      out.set("data", metadata(v, list.size()));
      return ok(out);
    }
    throw new Fault(405, "unsupported operation");
  }

  private ObjectNode dynamic(String path) {
    String lease = path + "/" + UUID.randomUUID().toString().substring(0, 8);
    leases.put(lease, clock.instant().plus(leaseDuration));
    ObjectNode out = envelope();
    out.put("lease_id", lease).put("lease_duration", leaseDuration.toSeconds()).put("renewable", true);
    out.putObject("data").put("username", "v-app-" + leases.size()).put("password", "pw-" + UUID.randomUUID());
    return out;
  }

  private ResponseDefinition azure(Request req, String path, Map<String, String> query) {
    boolean imds = path.startsWith("/metadata/");
    if (imds && !"true".equals(req.getHeader("Metadata"))) {
      return new ResponseDefinition(400, "{\"error\":\"invalid_request\",\"error_description\":\"Required metadata header not specified\"}");
    }
    if (!imds && !IDENTITY_HEADER.equals(req.getHeader("X-IDENTITY-HEADER"))) {
      return new ResponseDefinition(401, "{\"error\":\"unauthorized\"}");
    }
    if (path.equals("/metadata/instance")) {
      ObjectNode out = MAPPER.createObjectNode();
      out.putObject("compute").put("subscriptionId", "sub-123").put("resourceGroupName", "rg-orders")
          .put("name", "vm-orders-1").put("vmScaleSetName", "");
      return ok(out);
    }
    if (query.get("resource") == null) {
      return new ResponseDefinition(400, "{\"error\":\"invalid_request\"}");
    }
    ObjectNode out = MAPPER.createObjectNode().put("access_token", AZURE_TOKEN).put("token_type", "Bearer")
        .put("resource", query.get("resource"));
    return ok(out);
  }

  private ObjectNode metadata(Version v, int n) {
    ObjectNode m = MAPPER.createObjectNode();
    m.put("created_time", v.created.toString());
    m.putNull("custom_metadata");
    m.put("deletion_time", v.deletion == null ? "" : v.deletion.toString());
    m.put("destroyed", v.destroyed);
    m.put("version", n);
    return m;
  }

  private static ObjectNode envelope() {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("request_id", UUID.randomUUID().toString()).put("lease_id", "").put("renewable", false)
        .put("lease_duration", 0);
    out.putNull("wrap_info");
    out.putNull("warnings");
    return out;
  }

  private Instant tick() {
    clock.advance(Duration.ofMillis(1));
    return clock.instant();
  }

  private static ResponseDefinition ok(JsonNode body) {
    return new ResponseDefinition(200, body.toString());
  }

  private static Map<String, String> query(URI url) {
    Map<String, String> out = new HashMap<>();
    String q = url.getRawQuery();
    if (q != null) {
      for (String pair : q.split("&")) {
        int eq = pair.indexOf('=');
        out.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return out;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
