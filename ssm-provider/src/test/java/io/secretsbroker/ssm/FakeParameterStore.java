package io.secretsbroker.ssm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A small, stateful AWS SSM Parameter Store on a loopback WireMock server, speaking the real wire
 * protocol: AWS JSON 1.1 ({@code POST /}, {@code X-Amz-Target: AmazonSSM.<Operation>},
 * {@code Content-Type: application/x-amz-json-1.1}, SigV4-signed), with SSM's error bodies
 * ({@code {"__type": "ParameterNotFound", "message": ...}}) and its version semantics: every
 * {@code PutParameter} with {@code Overwrite=true} adds version n+1, selectors {@code name:3} and
 * {@code name:label} read one version, {@code WithDecryption=false} returns a {@code SecureString}
 * as ciphertext, {@code GetParameters} lists missing names in {@code InvalidParameters} and takes
 * at most 10 names. Operations: GetParameter, GetParameters, PutParameter, DeleteParameter,
 * LabelParameterVersion.
 *
 * <p>As a JUnit extension ({@code @RegisterExtension static}) it starts the server before the
 * class, empties the store before each test and stops the server after the class. Faults are
 * WireMock stubs at a higher priority than the fake ({@link #stubFor}, {@link #failOnce}); a
 * concurrent writer is simulated deterministically with {@link #beforeNextPut}. Tests only.
 */
final class FakeParameterStore
    implements ResponseDefinitionTransformerV2, BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  static final String JSON_11 = "application/x-amz-json-1.1";
  static final String REGION = "us-east-1";
  static final String ACCOUNT = "123456789012";
  static final String TARGET_PREFIX = "AmazonSSM.";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static final class Version {
    final long number;
    final String value;
    final String type;
    final Instant modified;
    final List<String> labels = new ArrayList<>();

    Version(long number, String value, String type, Instant modified) {
      this.number = number;
      this.value = value;
      this.type = type;
      this.modified = modified;
    }
  }

  static final class Param {
    final String name;
    final Map<Long, Version> versions = new LinkedHashMap<>();
    String keyId;
    String description;
    boolean denied;
    String kmsFault;

    Param(String name) {
      this.name = name;
    }

    Version latest() {
      return versions.get((long) versions.size()); // numbered 1..n, never removed one by one
    }

    String arn() {
      return "arn:aws:ssm:" + REGION + ":" + ACCOUNT + ":parameter" + (name.startsWith("/") ? "" : "/") + name;
    }
  }

  private final Map<String, Param> params = new HashMap<>();
  private final Map<String, Runnable> beforePut = new HashMap<>();
  private final WireMockServer server;
  private Instant clock = Instant.parse("2025-01-01T00:00:00Z");

  FakeParameterStore() {
    server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(this));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server.start();
    reset();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    reset();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.stop();
  }

  /** Empties the store, removes fault stubs, hooks and the request journal. */
  synchronized void reset() {
    params.clear();
    beforePut.clear();
    server.resetAll();
    server.stubFor(post(urlEqualTo("/")).atPriority(10).willReturn(aResponse().withTransformers(getName())));
  }

  WireMockServer server() {
    return server;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  SsmSettings settings() {
    return SsmSettings.of(REGION, endpoint());
  }

  static StaticCredentialsProvider testCredentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTONLY", "test-only-secret-key")); // secrets-guard:allow fake test credentials
  }

  SsmSecretProvider provider() {
    return SsmSecretProvider.create(settings(), testCredentials());
  }

  SsmSecretProvider provider(SsmSettings settings) {
    return SsmSecretProvider.create(settings, testCredentials());
  }

  // ---- direct backend access for tests (names are our names: "prod/db" is /prod/db) ----

  /** Writes a new SecureString version of {@code name} straight into the store; returns its number. */
  String seed(String name, byte[] value) {
    return seed(name, new String(value, StandardCharsets.UTF_8), "SecureString");
  }

  /** Writes a new version of type {@code type} straight into the store; returns its number. */
  synchronized String seed(String name, String value, String type) {
    Param p = params.computeIfAbsent(SsmNames.parameterName(name), Param::new);
    return Long.toString(add(p, value, type).number);
  }

  synchronized void deny(String name) {
    params.computeIfAbsent(SsmNames.parameterName(name), Param::new).denied = true;
  }

  /** Makes decrypting {@code name} fail with the AWS error code {@code code}. */
  synchronized void kmsFault(String name, String code) {
    params.computeIfAbsent(SsmNames.parameterName(name), Param::new).kmsFault = code;
  }

  /** The Parameter Store parameter (full name), or null. */
  synchronized Param parameter(String fullName) {
    return params.get(fullName);
  }

  /** Runs {@code action} inside the next PutParameter of {@code fullName}, before it is applied. */
  synchronized void beforeNextPut(String fullName, Runnable action) {
    beforePut.put(fullName, action);
  }

  /** How many requests for {@code operation} the server received. */
  int count(String operation) {
    return server.countRequestsMatching(postRequestedFor(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo(TARGET_PREFIX + operation)).build()).getCount();
  }

  /** The bodies of the requests for {@code operation}, oldest first. */
  List<JsonNode> requests(String operation) {
    List<JsonNode> out = new ArrayList<>();
    for (var r : server.findAll(postRequestedFor(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo(TARGET_PREFIX + operation)))) {
      try {
        out.add(MAPPER.readTree(r.getBodyAsString()));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  /** A fault stub for {@code operation}, ahead of the fake. */
  void stubFor(String operation, ResponseDefinitionBuilder response) {
    server.stubFor(post(urlEqualTo("/")).atPriority(1)
        .withHeader("X-Amz-Target", equalTo(TARGET_PREFIX + operation))
        .willReturn(response));
  }

  /** Answers the next {@code operation} call with {@code response}; later ones reach the fake. */
  void failOnce(String operation, ResponseDefinitionBuilder response) {
    String scenario = "once-" + operation + "-" + UUID.randomUUID();
    server.stubFor(post(urlEqualTo("/")).atPriority(1)
        .withHeader("X-Amz-Target", equalTo(TARGET_PREFIX + operation))
        .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("done")
        .willReturn(response));
  }

  /** An AWS JSON 1.1 error response as SSM sends it (lower-case {@code message}). */
  static ResponseDefinitionBuilder awsError(int status, String type, String message) {
    return aResponse().withStatus(status)
        .withHeader("Content-Type", JSON_11)
        .withHeader("x-amzn-RequestId", UUID.randomUUID().toString())
        .withBody("{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
  }

  // ---- the wire protocol ----

  @Override
  public String getName() {
    return "fake-parameter-store";
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  @Override
  public synchronized ResponseDefinition transform(ServeEvent serveEvent) {
    var request = serveEvent.getRequest();
    String target = request.getHeader("X-Amz-Target");
    String contentType = request.getHeader("Content-Type");
    String auth = request.getHeader("Authorization");
    if (contentType == null || !contentType.startsWith(JSON_11)) {
      return error(400, "SerializationException", "Content-Type must be " + JSON_11);
    }
    if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 Credential=AKIDTESTONLY/")
        || !auth.contains("/" + REGION + "/ssm/aws4_request")) {
      return error(400, "IncompleteSignature", "Request must be SigV4-signed for ssm in " + REGION);
    }
    try {
      JsonNode body = MAPPER.readTree(request.getBodyAsString());
      return switch (target == null ? "" : target) {
        case "AmazonSSM.GetParameter" -> getParameter(body);
        case "AmazonSSM.GetParameters" -> getParameters(body);
        case "AmazonSSM.PutParameter" -> putParameter(body);
        case "AmazonSSM.DeleteParameter" -> deleteParameter(body);
        case "AmazonSSM.LabelParameterVersion" -> labelParameterVersion(body);
        default -> error(400, "UnknownOperationException", "Unknown operation " + target);
      };
    } catch (SsmFault f) {
      return error(f.status, f.type, f.getMessage());
    } catch (Exception e) {
      return error(500, "InternalServerError", e.getClass().getSimpleName());
    }
  }

  private ResponseDefinition getParameter(JsonNode body) {
    String selector = text(body, "Name");
    boolean decrypt = body.path("WithDecryption").asBoolean(false);
    ObjectNode out = MAPPER.createObjectNode();
    out.set("Parameter", read(selector, decrypt, "ssm:GetParameter"));
    return ok(out);
  }

  private ResponseDefinition getParameters(JsonNode body) {
    JsonNode names = body.get("Names");
    if (names == null || names.size() == 0 || names.size() > 10) {
      throw new SsmFault(400, "ValidationException", "1 validation error detected: Value at 'names' failed to"
          + " satisfy constraint: Member must have length less than or equal to 10");
    }
    boolean decrypt = body.path("WithDecryption").asBoolean(false);
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode found = out.putArray("Parameters");
    ArrayNode invalid = out.putArray("InvalidParameters");
    for (JsonNode n : names) {
      try {
        found.add(read(n.asText(), decrypt, "ssm:GetParameters"));
      } catch (SsmFault f) {
        if (!f.type.equals("ParameterNotFound") && !f.type.equals("ParameterVersionNotFound")) {
          throw f; // access and KMS failures fail the whole call, as in SSM
        }
        invalid.add(n.asText());
      }
    }
    return ok(out);
  }

  private ObjectNode read(String selector, boolean decrypt, String action) {
    if (selector == null) {
      throw new SsmFault(400, "ValidationException", "Name is required");
    }
    int colon = selector.lastIndexOf(':');
    String name = colon > 0 ? selector.substring(0, colon) : selector;
    String sel = colon > 0 ? selector.substring(colon + 1) : null;
    Param p = params.get(name);
    if (p != null && p.denied) {
      throw new SsmFault(400, "AccessDeniedException", "User: arn:aws:sts::" + ACCOUNT + ":assumed-role/fn/fn is"
          + " not authorized to perform: " + action + " on resource: " + p.arn()
          + " because no identity-based policy allows the " + action + " action");
    }
    if (p == null || p.versions.isEmpty()) {
      throw new SsmFault(400, "ParameterNotFound", null);
    }
    Version v;
    if (sel == null) {
      v = p.latest();
    } else if (sel.matches("\\d+")) {
      v = p.versions.get(Long.parseLong(sel));
    } else {
      v = p.versions.values().stream().filter(x -> x.labels.contains(sel)).findFirst().orElse(null);
    }
    if (v == null) {
      throw new SsmFault(400, "ParameterVersionNotFound", "Systems Manager could not find version " + sel
          + " of " + name + ". Verify the version and try again.");
    }
    boolean secure = v.type.equals("SecureString");
    if (secure && decrypt && p.kmsFault != null) {
      throw new SsmFault(400, p.kmsFault, p.kmsFault.equals("AccessDeniedException")
          ? "User: arn:aws:sts::" + ACCOUNT + ":assumed-role/fn/fn is not authorized to perform: kms:Decrypt on"
            + " resource: arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/1234abcd because no identity-based"
            + " policy allows the kms:Decrypt action (Service: AWSKMS; Status Code: 400)"
          : "The KMS key used to encrypt the parameter is disabled or not accessible.");
    }
    ObjectNode out = MAPPER.createObjectNode().put("Name", p.name).put("Type", v.type);
    out.put("Value", secure && !decrypt ? ciphertext(v.value) : v.value);
    out.put("Version", v.number);
    if (sel != null) {
      out.put("Selector", ":" + sel);
    }
    out.put("LastModifiedDate", BigDecimal.valueOf(v.modified.toEpochMilli()).movePointLeft(3));
    out.put("ARN", p.arn()).put("DataType", "text");
    return out;
  }

  private ResponseDefinition putParameter(JsonNode body) {
    String name = text(body, "Name");
    String value = text(body, "Value");
    if (name == null || value == null) {
      throw new SsmFault(400, "ValidationException", "Name and Value are required");
    }
    if (name.contains("/") && !name.startsWith("/")) {
      throw new SsmFault(400, "ValidationException", "Parameter name: can't be prefixed with \"ssm\""
          + " (case-insensitive). If formed as a path, it must be fully qualified with a leading slash.");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > 8192) {
      throw new SsmFault(400, "ValidationException", "Parameter value is too large");
    }
    Runnable hook = beforePut.remove(name);
    if (hook != null) {
      hook.run();
    }
    Param p = params.get(name);
    if (p != null && p.denied) {
      throw new SsmFault(400, "AccessDeniedException", "User: arn:aws:sts::" + ACCOUNT + ":assumed-role/fn/fn is"
          + " not authorized to perform: ssm:PutParameter on resource: " + p.arn());
    }
    boolean overwrite = body.path("Overwrite").asBoolean(false);
    if (p != null && !p.versions.isEmpty() && !overwrite) {
      throw new SsmFault(400, "ParameterAlreadyExists", "The parameter already exists. To overwrite this value,"
          + " set the overwrite option in the request to true.");
    }
    String type = text(body, "Type");
    if (p == null || p.versions.isEmpty()) {
      if (type == null) {
        throw new SsmFault(400, "ValidationException", "A parameter type is required when you create a parameter.");
      }
      p = params.computeIfAbsent(name, Param::new);
    }
    String newType = type != null ? type : p.latest().type;
    if (!List.of("String", "StringList", "SecureString").contains(newType)) {
      throw new SsmFault(400, "UnsupportedParameterType", "Unsupported parameter type " + newType);
    }
    p.keyId = text(body, "KeyId");
    p.description = text(body, "Description");
    Version v = add(p, value, newType);
    return ok(MAPPER.createObjectNode().put("Version", v.number).put("Tier", "Standard"));
  }

  private ResponseDefinition deleteParameter(JsonNode body) {
    String name = text(body, "Name");
    Param p = params.get(name);
    if (p == null || p.versions.isEmpty()) {
      throw new SsmFault(400, "ParameterNotFound", null);
    }
    params.remove(name);
    return ok(MAPPER.createObjectNode());
  }

  private ResponseDefinition labelParameterVersion(JsonNode body) {
    Param p = params.get(text(body, "Name"));
    if (p == null || p.versions.isEmpty()) {
      throw new SsmFault(400, "ParameterNotFound", null);
    }
    Version v = body.has("ParameterVersion") ? p.versions.get(body.get("ParameterVersion").asLong()) : p.latest();
    if (v == null) {
      throw new SsmFault(400, "ParameterVersionNotFound", "version not found");
    }
    for (JsonNode l : body.get("Labels")) {
      p.versions.values().forEach(x -> x.labels.remove(l.asText()));
      v.labels.add(l.asText());
    }
    return ok(MAPPER.createObjectNode().put("ParameterVersion", v.number).putArray("InvalidLabels"));
  }

  /** Attaches {@code label} to version {@code number} of {@code fullName} (moving it). */
  synchronized void label(String fullName, long number, String label) {
    Param p = params.get(fullName);
    p.versions.values().forEach(x -> x.labels.remove(label));
    p.versions.get(number).labels.add(label);
  }

  private Version add(Param p, String value, String type) {
    long next = p.versions.isEmpty() ? 1 : p.latest().number + 1;
    Version v = new Version(next, value, type, tick());
    p.versions.put(next, v);
    return v;
  }

  private static String ciphertext(String value) {
    // opaque and not derived from the value, as a KMS ciphertext would be to a reader
    return "AQICAHg" + Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
  }

  private Instant tick() {
    clock = clock.plus(Duration.ofSeconds(1));
    return clock.truncatedTo(ChronoUnit.MILLIS);
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  private static ResponseDefinition ok(JsonNode body) {
    return new ResponseDefinitionBuilder().withStatus(200)
        .withHeader("Content-Type", JSON_11)
        .withHeader("x-amzn-RequestId", UUID.randomUUID().toString())
        .withBody(body.toString()).build();
  }

  private static ResponseDefinition error(int status, String type, String message) {
    ObjectNode body = MAPPER.createObjectNode().put("__type", type);
    if (message != null) {
      body.put("message", message);
    }
    return new ResponseDefinitionBuilder().withStatus(status)
        .withHeader("Content-Type", JSON_11)
        .withHeader("x-amzn-RequestId", UUID.randomUUID().toString())
        .withBody(body.toString()).build();
  }

  /** An SSM error raised inside the fake. */
  private static final class SsmFault extends RuntimeException {
    final int status;
    final String type;

    SsmFault(int status, String type, String message) {
      super(message);
      this.status = status;
      this.type = type;
    }
  }
}
