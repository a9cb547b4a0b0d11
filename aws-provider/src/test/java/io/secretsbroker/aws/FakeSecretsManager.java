package io.secretsbroker.aws;

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
import io.secretsbroker.spi.Utf8;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A small, stateful AWS Secrets Manager on a loopback WireMock server, speaking the real wire
 * protocol: AWS JSON 1.1 ({@code POST /}, {@code X-Amz-Target: secretsmanager.<Operation>},
 * {@code Content-Type: application/x-amz-json-1.1}, SigV4-signed), with AWS's error bodies
 * ({@code {"__type": "ResourceNotFoundException", "Message": ...}}) and staging-label semantics:
 * GetSecretValue, BatchGetSecretValue, PutSecretValue (idempotent ClientRequestToken, label moves)
 * and UpdateSecretVersionStage (AWSCURRENT moves leave AWSPREVIOUS on the old version).
 *
 * <p>As a JUnit extension ({@code @RegisterExtension static}) it starts the server before the
 * class, empties the store before each test and stops the server after the class.
 *
 * <p>Faults are injected as ordinary WireMock stubs at a higher priority than the fake's
 * catch-all stub ({@link #stubFor}, {@link #failOnce}). Tests only.
 */
final class FakeSecretsManager
    implements ResponseDefinitionTransformerV2, BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  static final String JSON_11 = "application/x-amz-json-1.1";
  static final String REGION = "us-east-1";
  static final String ACCOUNT = "123456789012";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static final class Version {
    final String id;
    final byte[] value;
    final boolean binary;
    final Instant created;
    final Set<String> stages = new LinkedHashSet<>();

    Version(String id, byte[] value, boolean binary, Instant created) {
      this.id = id;
      this.value = value;
      this.binary = binary;
      this.created = created;
    }
  }

  static final class Secret {
    final String name;
    final String arn;
    final Map<String, Version> versions = new LinkedHashMap<>();
    boolean denied;
    boolean decryptFails;
    boolean deleted;

    Secret(String name) {
      this.name = name;
      this.arn = "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:" + name + "-AbCdEf";
    }

    Version withStage(String stage) {
      return versions.values().stream().filter(v -> v.stages.contains(stage)).findFirst().orElse(null);
    }
  }

  private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
  private final WireMockServer server;
  private Instant clock = Instant.parse("2025-01-01T00:00:00Z");

  FakeSecretsManager() {
    server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(this));
  }

  void startServer() {
    server.start();
    reset();
  }

  void stopServer() {
    server.stop();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    startServer();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    reset();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stopServer();
  }

  /** Empties the store, removes fault stubs and the request journal. */
  synchronized void reset() {
    secrets.clear();
    server.resetAll();
    server.stubFor(post(urlEqualTo("/")).atPriority(10).willReturn(aResponse().withTransformers(getName())));
  }

  WireMockServer server() {
    return server;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  AwsSettings settings() {
    return AwsSettings.of(REGION, endpoint());
  }

  static StaticCredentialsProvider testCredentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTONLY", "test-only-secret-key"));
  }

  AwsSecretProvider provider() {
    return AwsSecretProvider.create(settings(), testCredentials());
  }

  AwsSecretProvider provider(AwsSettings settings) {
    return AwsSecretProvider.create(settings, testCredentials());
  }

  // ---- direct backend access for tests ----

  /** Writes a new AWSCURRENT version straight into the store, creating the secret; returns its id. */
  synchronized String seed(String name, byte[] value) {
    Secret s = secrets.computeIfAbsent(name, Secret::new);
    String id = UUID.randomUUID().toString();
    Version v = new Version(id, value.clone(), Utf8.textOrNull(value) == null, tick());
    s.versions.put(id, v);
    attach(s, v, AwsSecretProvider.AWSCURRENT);
    return id;
  }

  synchronized void deny(String name) {
    secrets.computeIfAbsent(name, Secret::new).denied = true;
  }

  synchronized void failDecryption(String name) {
    secrets.computeIfAbsent(name, Secret::new).decryptFails = true;
  }

  synchronized void scheduleDeletion(String name) {
    secrets.computeIfAbsent(name, Secret::new).deleted = true;
  }

  /** The staging labels of every version of {@code name}, by version id. */
  synchronized Map<String, Set<String>> stages(String name) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    secrets.get(name).versions.values().forEach(v -> out.put(v.id, Set.copyOf(v.stages)));
    return out;
  }

  /** How many requests for {@code operation} the server received. */
  int count(String operation) {
    return server.countRequestsMatching(postRequestedFor(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("secretsmanager." + operation)).build()).getCount();
  }

  /** A fault stub for {@code operation}, ahead of the fake. */
  void stubFor(String operation, ResponseDefinitionBuilder response) {
    server.stubFor(post(urlEqualTo("/")).atPriority(1)
        .withHeader("X-Amz-Target", equalTo("secretsmanager." + operation))
        .willReturn(response));
  }

  /** Answers the next {@code operation} call with {@code response}; later ones reach the fake. */
  void failOnce(String operation, ResponseDefinitionBuilder response) {
    String scenario = "once-" + operation + "-" + UUID.randomUUID();
    server.stubFor(post(urlEqualTo("/")).atPriority(1)
        .withHeader("X-Amz-Target", equalTo("secretsmanager." + operation))
        .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("done")
        .willReturn(response));
  }

  /** An AWS JSON 1.1 error response. */
  static ResponseDefinitionBuilder awsError(int status, String type, String message) {
    return aResponse().withStatus(status)
        .withHeader("Content-Type", JSON_11)
        .withHeader("x-amzn-RequestId", UUID.randomUUID().toString())
        .withBody("{\"__type\":\"" + type + "\",\"Message\":\"" + message + "\"}");
  }

  // ---- the wire protocol ----

  @Override
  public String getName() {
    return "fake-secrets-manager";
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
    if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 Credential=AKIDTESTONLY/")) {
      return error(400, "IncompleteSignature", "Request must be SigV4-signed");
    }
    try {
      JsonNode body = MAPPER.readTree(request.getBodyAsString());
      return switch (target == null ? "" : target) {
        case "secretsmanager.GetSecretValue" -> getSecretValue(body);
        case "secretsmanager.BatchGetSecretValue" -> batchGetSecretValue(body);
        case "secretsmanager.PutSecretValue" -> putSecretValue(body);
        case "secretsmanager.UpdateSecretVersionStage" -> updateSecretVersionStage(body);
        default -> error(400, "UnknownOperationException", "Unknown operation " + target);
      };
    } catch (AwsFault f) {
      return error(f.status, f.type, f.getMessage());
    } catch (Exception e) {
      return error(500, "InternalServiceError", e.getClass().getSimpleName());
    }
  }

  private ResponseDefinition getSecretValue(JsonNode body) {
    Secret s = readable(text(body, "SecretId"));
    Version v = select(s, text(body, "VersionId"), text(body, "VersionStage"));
    return ok(entry(s, v));
  }

  private ResponseDefinition batchGetSecretValue(JsonNode body) {
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode values = out.putArray("SecretValues");
    ArrayNode errors = out.putArray("Errors");
    JsonNode ids = body.get("SecretIdList");
    if (ids == null || ids.size() == 0 || ids.size() > 20) {
      throw new AwsFault(400, "InvalidParameterException", "SecretIdList must hold 1 to 20 ids");
    }
    for (JsonNode id : ids) {
      try {
        Secret s = readable(id.asText());
        values.add(entry(s, select(s, null, null)));
      } catch (AwsFault f) {
        errors.addObject().put("SecretId", id.asText()).put("ErrorCode", f.type).put("Message", f.getMessage());
      }
    }
    return ok(out);
  }

  private ResponseDefinition putSecretValue(JsonNode body) {
    Secret s = writable(text(body, "SecretId"));
    String token = text(body, "ClientRequestToken");
    if (token == null || token.length() < 32 || token.length() > 64) {
      throw new AwsFault(400, "InvalidParameterException", "ClientRequestToken must be 32 to 64 characters");
    }
    boolean binary = body.has("SecretBinary");
    byte[] value = binary ? Base64.getDecoder().decode(text(body, "SecretBinary"))
        : text(body, "SecretString").getBytes(StandardCharsets.UTF_8);
    if (value.length > AwsSecretProvider.MAX_VALUE_BYTES) {
      throw new AwsFault(400, "InvalidParameterException", "Value too large");
    }
    List<String> stages = new ArrayList<>();
    if (body.has("VersionStages")) {
      body.get("VersionStages").forEach(n -> stages.add(n.asText()));
    } else {
      stages.add(AwsSecretProvider.AWSCURRENT);
    }
    Version existing = s.versions.get(token);
    if (existing != null) {
      if (!Arrays.equals(existing.value, value)) {
        throw new AwsFault(400, "ResourceExistsException",
            "You can't modify an existing version, you can only create a new version.");
      }
    } else {
      existing = new Version(token, value, binary, tick());
      s.versions.put(token, existing);
      for (String stage : stages) {
        attach(s, existing, stage);
      }
    }
    ObjectNode out = MAPPER.createObjectNode().put("ARN", s.arn).put("Name", s.name).put("VersionId", token);
    existing.stages.forEach(out.putArray("VersionStages")::add);
    return ok(out);
  }

  private ResponseDefinition updateSecretVersionStage(JsonNode body) {
    Secret s = writable(text(body, "SecretId"));
    String stage = text(body, "VersionStage");
    String moveTo = text(body, "MoveToVersionId");
    String removeFrom = text(body, "RemoveFromVersionId");
    Version holder = s.withStage(stage);
    if (removeFrom != null && (holder == null || !holder.id.equals(removeFrom))) {
      throw new AwsFault(400, "InvalidParameterException", "The staging label " + stage
          + " is not attached to version " + removeFrom + ".");
    }
    if (moveTo != null && !s.versions.containsKey(moveTo)) {
      throw new AwsFault(400, "ResourceNotFoundException", "Secrets Manager can't find version " + moveTo + ".");
    }
    if (moveTo != null && holder != null && !holder.id.equals(moveTo) && removeFrom == null) {
      throw new AwsFault(400, "InvalidParameterException", "The staging label " + stage
          + " is currently attached to version " + holder.id + ". Specify RemoveFromVersionId.");
    }
    if (moveTo != null) {
      attach(s, s.versions.get(moveTo), stage);
    } else if (holder != null) {
      holder.stages.remove(stage);
    }
    return ok(MAPPER.createObjectNode().put("ARN", s.arn).put("Name", s.name));
  }

  /** Puts {@code stage} on {@code v}, taking it off any other version; a moved AWSCURRENT leaves AWSPREVIOUS. */
  private static void attach(Secret s, Version v, String stage) {
    Version old = s.withStage(stage);
    if (old == v) {
      return;
    }
    if (old != null) {
      old.stages.remove(stage);
    }
    v.stages.add(stage);
    if (stage.equals(AwsSecretProvider.AWSCURRENT) && old != null) {
      s.versions.values().forEach(x -> x.stages.remove(AwsSecretProvider.AWSPREVIOUS));
      old.stages.add(AwsSecretProvider.AWSPREVIOUS);
    }
  }

  private Secret find(String id) {
    if (id == null) {
      throw new AwsFault(400, "InvalidParameterException", "SecretId is required");
    }
    Secret s = secrets.get(id);
    if (s == null) {
      s = secrets.values().stream().filter(x -> x.arn.equals(id)).findFirst().orElse(null);
    }
    if (s == null) {
      throw new AwsFault(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }
    return s;
  }

  private Secret readable(String id) {
    Secret s = writable(id);
    if (s.decryptFails) {
      throw new AwsFault(400, "DecryptionFailure", "Secrets Manager can't decrypt the protected secret text"
          + " using the provided KMS key.");
    }
    return s;
  }

  private Secret writable(String id) {
    Secret s = find(id);
    if (s.denied) {
      throw new AwsFault(400, "AccessDeniedException", "User: arn:aws:sts::" + ACCOUNT + ":assumed-role/fn/fn"
          + " is not authorized to perform this action on resource: " + s.arn
          + " because no identity-based policy allows it");
    }
    if (s.deleted) {
      throw new AwsFault(400, "InvalidRequestException", "You can't perform this operation on the secret because"
          + " it was marked for deletion.");
    }
    return s;
  }

  private static Version select(Secret s, String versionId, String stage) {
    if (versionId != null) {
      Version v = s.versions.get(versionId);
      if (v == null || (stage != null && !v.stages.contains(stage))) {
        throw new AwsFault(400, "ResourceNotFoundException",
            "Secrets Manager can't find the specified secret value for VersionId: " + versionId);
      }
      return v;
    }
    String label = stage == null ? AwsSecretProvider.AWSCURRENT : stage;
    Version v = s.withStage(label);
    if (v == null) {
      throw new AwsFault(400, "ResourceNotFoundException",
          "Secrets Manager can't find the specified secret value for staging label: " + label);
    }
    return v;
  }

  private static ObjectNode entry(Secret s, Version v) {
    ObjectNode out = MAPPER.createObjectNode().put("ARN", s.arn).put("Name", s.name).put("VersionId", v.id);
    if (v.binary) {
      out.put("SecretBinary", Base64.getEncoder().encodeToString(v.value));
    } else {
      out.put("SecretString", new String(v.value, StandardCharsets.UTF_8));
    }
    v.stages.forEach(out.putArray("VersionStages")::add);
    out.put("CreatedDate", BigDecimal.valueOf(v.created.toEpochMilli()).movePointLeft(3));
    return out;
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
    return awsError(status, type, message.replace("\"", "'")).build();
  }

  /** An AWS error raised inside the fake. */
  private static final class AwsFault extends RuntimeException {
    final int status;
    final String type;

    AwsFault(int status, String type, String message) {
      super(message);
      this.status = status;
      this.type = type;
    }
  }

  static Set<String> set(String... s) {
    return new HashSet<>(Arrays.asList(s));
  }
}
