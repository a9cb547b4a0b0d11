package io.secretsbroker.gcp.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.gcp.SecretManagerNames;
import io.secretsbroker.gcp.internal.GcpErrors.Op;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Google Cloud Secret Manager driver over its REST API ({@link SecretManagerHttp}).
 *
 * <p><b>Names</b> map by {@link SecretManagerNames}; a second portable spelling of one secret id
 * is refused. <b>Versions</b> are Secret Manager's version numbers ({@code "3"}); {@link #fetchVersion}
 * also takes an alias ({@code latest}, {@code current}, any alias of the secret). <b>Values</b> are
 * the payload bytes as stored; each read is checked against the payload's {@code dataCrc32c} when
 * the service returns one (a mismatch is a retryable {@link ProviderUnavailableException}), and
 * each write sends one.
 *
 * <p><b>What readers read.</b> Staging adds a version, and a new version becomes {@code latest} at
 * once, so {@code latest} cannot mean "current" on a secret rotated through this provider. Readers
 * therefore read the alias {@value #CURRENT} and fall back to {@code latest} only when the secret has
 * no such alias (a secret never rotated here, managed with gcloud or Terraform: one extra 404 per
 * read). The first {@link #stage} creates {@value #CURRENT} on the version that was latest, before
 * it adds the candidate. From then on {@value #CURRENT} decides, also for versions added outside the
 * broker; delete the alias to hand control back to {@code latest}.
 *
 * <p><b>Rotation</b> (see {@code docs/providers.md}): {@link #stage} adds a version
 * ({@code AddSecretVersion}) and points {@value #PENDING} at it; {@link #promote} moves
 * {@value #CURRENT} to it, {@value #PREVIOUS} to the replaced version and drops {@value #PENDING},
 * in one {@code secrets.patch} of the version aliases that carries the etag read before: a
 * compare-and-set, atomic on the service. A version that leaves {@value #PREVIOUS} is disabled, and so
 * is a discarded candidate (best effort, after the atomic step; never destroyed).
 *
 * <p><b>Failures</b> are mapped by {@link GcpErrors}; nothing from the auth library or the JDK's
 * HTTP stack escapes except as a cause. Throttling is surfaced (the portable client retries).
 *
 * <p><b>Threads.</b> Safe for concurrent use. {@link #fetchAll} reads at most {@value #MAX_PARALLEL}
 * secrets at once (the service has no batch read) on a small pool of daemon threads.
 */
public final class GcpSecretProvider implements SecretProvider {
  public static final int MAX_PARALLEL = 8;
  public static final String CURRENT = "current";
  public static final String PENDING = "pending";
  public static final String PREVIOUS = "previous";
  static final String LATEST = "latest";
  private static final Pattern VERSION = Pattern.compile("[0-9]{1,19}|[A-Za-z][A-Za-z0-9_-]{0,62}");
  private static final Logger LOG = LoggerFactory.getLogger(GcpSecretProvider.class);
  private static final JsonFactory JSON_FACTORY = new JsonFactory();
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final GcpConfig config;
  private final SecretManagerHttp http;
  private final GcpErrors errors;
  private final Map<String, String> spellings = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor pool;
  private volatile ObjectMapper mapper;

  public GcpSecretProvider(GcpConfig config, SecretManagerHttp http) {
    this.config = Objects.requireNonNull(config, "config");
    this.http = Objects.requireNonNull(http, "http");
    this.errors = new GcpErrors(config.label());
    int id = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(MAX_PARALLEL, MAX_PARALLEL, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "secretsbroker-gcp-" + id + "-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
  }

  @Override
  public String id() {
    return "gcp:" + config.label();
  }

  // ------------------------------------------------------------------ reads

  @Override
  public SecretRecord fetch(String name) {
    String secretId = secretId(name);
    SecretRecord current = accessAlias(name, secretId, CURRENT);
    return current != null ? current : access(name, secretId, LATEST);
  }

  /**
   * {@code versions/{alias}:access}, or null when the secret has no such alias: 404, or the 400
   * {@code INVALID_ARGUMENT} a service may answer for an alias it does not know. Anything else
   * (denied, a disabled version behind the alias, throttling) is thrown as usual.
   */
  private SecretRecord accessAlias(String name, String secretId, String alias) {
    SecretManagerHttp.Response r;
    try {
      r = http.send("GET", secretPath(secretId) + "/versions/" + alias + ":access", null);
    } catch (IOException e) {
      throw errors.io(e, name, secretId);
    }
    if (r.status() == 404 || (r.status() == 400 && errors.isInvalidArgument(r))) {
      return null;
    }
    if (r.status() / 100 != 2) {
      throw errors.map(r, name, secretId, alias, Op.READ);
    }
    return record(r, name, secretId, alias);
  }

  @Override
  public SecretRecord fetchVersion(String name, String versionId) {
    if (versionId == null) {
      return fetch(name);
    }
    String secretId = secretId(name);
    if (!VERSION.matcher(versionId).matches()) {
      throw new SecretNotFoundException("Secret '" + name + "' has no version '" + versionId + "' in Secret Manager"
          + " project " + config.label() + ": versions are numbers (\"3\") or aliases (\"latest\", \"current\").");
    }
    return access(name, secretId, versionId);
  }

  @Override
  public SecretRecord fetchStage(String name, VersionStage stage) {
    Objects.requireNonNull(stage, "stage");
    if (stage == VersionStage.CURRENT) {
      return fetch(name);
    }
    String alias = stage == VersionStage.PENDING ? PENDING : PREVIOUS;
    try {
      return access(name, secretId(name), alias);
    } catch (SecretNotFoundException e) {
      throw new SecretNotFoundException("Secret '" + name + "' has no " + stage + " version in Secret Manager project "
          + config.label() + " (no '" + alias + "' alias: " + (stage == VersionStage.PENDING
              ? "no rotation is in progress)." : "it was never rotated through Secrets Broker)."), e);
    }
  }

  @Override
  public Map<String, SecretRecord> fetchAll(Set<String> names) {
    Objects.requireNonNull(names, "names");
    for (String name : names) {
      secretId(name); // refuse a bad name before any call
    }
    if (names.size() <= 1) {
      return SecretProvider.super.fetchAll(names);
    }
    List<Future<SecretRecord>> futures = new ArrayList<>(names.size());
    for (String name : names) {
      futures.add(pool.submit(() -> {
        try {
          return fetch(name);
        } catch (SecretNotFoundException e) {
          return null;
        }
      }));
    }
    Map<String, SecretRecord> out = new LinkedHashMap<>();
    try {
      int i = 0;
      for (String name : names) {
        SecretRecord r = futures.get(i++).get();
        if (r != null) {
          out.put(name, r);
        }
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderUnavailableException("Interrupted while reading " + names.size() + " secrets from Secret"
          + " Manager project " + config.label() + ".", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SecretsException se) {
        throw se;
      }
      throw new SecretsException("Reading " + names.size() + " secrets from Secret Manager project " + config.label()
          + " failed: " + e.getCause().getClass().getSimpleName(), e.getCause());
    } finally {
      futures.forEach(f -> f.cancel(true));
    }
  }

  /** {@code versions/{version}:access}: the payload, CRC32C-checked. */
  private SecretRecord access(String name, String secretId, String version) {
    SecretManagerHttp.Response r = call("GET", secretPath(secretId) + "/versions/" + version + ":access", null, name,
        secretId, version, Op.READ);
    return record(r, name, secretId, version);
  }

  /** The record in an {@code :access} answer, CRC32C-checked. */
  private SecretRecord record(SecretManagerHttp.Response r, String name, String secretId, String version) {
    String where = "version '" + version + "' of secret '" + name + "' (Secret Manager secret " + secretId
        + " in project " + config.label() + ")";
    String versionName = null;
    String data = null;
    String crc = null;
    try (JsonParser p = JSON_FACTORY.createParser(r.body())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw malformed(where, "not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (field.equals("name") && t == JsonToken.VALUE_STRING) {
          versionName = p.getText();
        } else if (field.equals("payload") && t == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("data") && v == JsonToken.VALUE_STRING) {
              data = p.getText();
            } else if (f.equals("dataCrc32c") && v.isScalarValue()) {
              crc = p.getText();
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw malformed(where, "not valid JSON");
    }
    if (versionName == null) {
      throw malformed(where, "no version name");
    }
    byte[] value;
    if (data == null) {
      value = new byte[0]; // proto3 JSON omits an empty payload
    } else {
      try {
        value = Base64.getDecoder().decode(data);
      } catch (IllegalArgumentException e) {
        throw malformed(where, "its payload is not base64");
      }
    }
    if (crc != null) {
      long expected;
      try {
        expected = Long.parseLong(crc);
      } catch (NumberFormatException e) {
        throw malformed(where, "its dataCrc32c is not a number");
      }
      if (crc32c(value) != expected) {
        java.util.Arrays.fill(value, (byte) 0);
        throw new ProviderUnavailableException("The payload of " + where + " failed its CRC32C check (the data was"
            + " damaged on the way). The value was discarded; the read is retryable.");
      }
    }
    String versionId = lastSegment(versionName);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("secret", config.parent() + "/secrets/" + secretId);
    if (!version.equals(versionId)) {
      metadata.put("alias", version);
    }
    return new SecretRecord(name, versionId, value, null, null, metadata);
  }

  // ------------------------------------------------------------------ writes and rotation

  @Override
  public SecretRecord put(String name, byte[] value) {
    Objects.requireNonNull(value, "value");
    String secretId = secretId(name);
    Secret s = getSecret(name, secretId);
    SecretRecord added = addVersion(name, secretId, value);
    String current = s.aliases().get(CURRENT);
    if (current != null) {
      Map<String, String> aliases = new LinkedHashMap<>(s.aliases());
      aliases.put(CURRENT, added.versionId());
      aliases.put(PREVIOUS, current);
      try {
        patchAliases(name, secretId, aliases, s.etag());
      } catch (RotationConflictException e) {
        disableQuietly(name, secretId, added.versionId());
        throw e;
      }
    }
    return added;
  }

  @Override
  public boolean supportsStaging() {
    return true;
  }

  /** How often a stage re-reads the aliases after losing the etag race to another stager. */
  private static final int STAGE_ATTEMPTS = 5;

  @Override
  public SecretRecord stage(String name, String expectedCurrentVersionId, byte[] value) {
    Objects.requireNonNull(value, "value");
    String secretId = secretId(name);
    Secret s = getSecret(name, secretId);
    String current = s.aliases().containsKey(CURRENT) ? s.aliases().get(CURRENT) : latestVersion(name, secretId);
    if (!current.equals(expectedCurrentVersionId)) {
      throw new RotationConflictException("Secret '" + name + "' is at version " + current + " in Secret Manager"
          + " project " + config.label() + ", not " + expectedCurrentVersionId + " as the rotation expected: another"
          + " writer changed it first. Nothing was written.");
    }
    String etag = s.etag();
    Map<String, String> aliases = new LinkedHashMap<>(s.aliases());
    if (!aliases.containsKey(CURRENT)) {
      // readers fall back to 'latest' without it, and the candidate is about to become latest
      aliases.put(CURRENT, current);
      try {
        etag = patchAliases(name, secretId, aliases, etag).etag();
      } catch (RotationConflictException raced) {
        // a concurrent stager pinned 'current' first: fine while it pinned the same version
        Secret again = getSecret(name, secretId);
        if (!expectedCurrentVersionId.equals(again.aliases().get(CURRENT))) {
          throw raced;
        }
        aliases = new LinkedHashMap<>(again.aliases());
        etag = again.etag();
      }
    }
    String oldPending = aliases.get(PENDING);
    SecretRecord added = addVersion(name, secretId, value);
    aliases.put(PENDING, added.versionId());
    for (int attempt = 1; ; attempt++) {
      try {
        patchAliases(name, secretId, aliases, etag);
        break;
      } catch (RotationConflictException raced) {
        // another writer moved the aliases (etag) since they were read: while current is still the
        // version this rotation started from, the newest stager takes the pending slot, as with
        // AWSPENDING; the rotation it displaced then loses at promote
        Secret again = attempt < STAGE_ATTEMPTS ? getSecret(name, secretId) : null;
        String now = again == null ? null
            : again.aliases().containsKey(CURRENT) ? again.aliases().get(CURRENT) : latestVersion(name, secretId);
        if (again == null || !expectedCurrentVersionId.equals(now)) {
          disableQuietly(name, secretId, added.versionId());
          throw raced;
        }
        aliases = new LinkedHashMap<>(again.aliases());
        aliases.putIfAbsent(CURRENT, now);
        oldPending = aliases.get(PENDING);
        aliases.put(PENDING, added.versionId());
        etag = again.etag();
      } catch (RuntimeException e) {
        disableQuietly(name, secretId, added.versionId());
        throw e;
      }
    }
    if (oldPending != null && !oldPending.equals(added.versionId()) && !aliases.containsValue(oldPending)) {
      disableQuietly(name, secretId, oldPending);
    }
    Map<String, String> md = new LinkedHashMap<>(added.metadata());
    md.put("stage", VersionStage.PENDING.name());
    return new SecretRecord(name, added.versionId(), added.value(), added.createdOn(), null, md);
  }

  @Override
  public SecretRecord promote(String name, String pendingVersionId, String expectedCurrentVersionId) {
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    Objects.requireNonNull(expectedCurrentVersionId, "expectedCurrentVersionId");
    String secretId = secretId(name);
    Secret s = getSecret(name, secretId);
    String current = s.aliases().containsKey(CURRENT) ? s.aliases().get(CURRENT) : latestVersion(name, secretId);
    if (!current.equals(expectedCurrentVersionId)) {
      throw new RotationConflictException("Secret '" + name + "' is at version " + current + " in Secret Manager"
          + " project " + config.label() + ", not " + expectedCurrentVersionId + ": another writer promoted first."
          + " Version " + pendingVersionId + " was not promoted.");
    }
    if (!pendingVersionId.equals(s.aliases().get(PENDING))) {
      throw new RotationConflictException("Version " + pendingVersionId + " of secret '" + name + "' is no longer"
          + " pending in Secret Manager project " + config.label() + " (pending is "
          + s.aliases().getOrDefault(PENDING, "none") + "): another rotation replaced it. Nothing was changed.");
    }
    String oldPrevious = s.aliases().get(PREVIOUS);
    Map<String, String> aliases = new LinkedHashMap<>(s.aliases());
    aliases.remove(PENDING);
    aliases.put(CURRENT, pendingVersionId);
    aliases.put(PREVIOUS, current);
    patchAliases(name, secretId, aliases, s.etag());
    if (oldPrevious != null && !aliases.containsValue(oldPrevious)) {
      disableQuietly(name, secretId, oldPrevious);
    }
    return access(name, secretId, pendingVersionId);
  }

  @Override
  public void discardPending(String name, String pendingVersionId) {
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    String secretId = secretId(name);
    for (int attempt = 0; attempt < 3; attempt++) {
      Secret s;
      try {
        s = getSecret(name, secretId);
      } catch (SecretNotFoundException gone) {
        return;
      }
      Map<String, String> aliases = new LinkedHashMap<>(s.aliases());
      if (pendingVersionId.equals(aliases.get(CURRENT)) || pendingVersionId.equals(aliases.get(PREVIOUS))) {
        return; // promoted meanwhile: left alone
      }
      if (pendingVersionId.equals(aliases.get(PENDING))) {
        aliases.remove(PENDING);
        try {
          patchAliases(name, secretId, aliases, s.etag());
        } catch (RotationConflictException raced) {
          continue; // the aliases moved: look again
        }
      }
      if (!aliases.containsValue(pendingVersionId)) {
        disableQuietly(name, secretId, pendingVersionId);
      }
      return;
    }
    LOG.warn("Could not drop the pending alias of secret '{}' in Secret Manager project {}: its aliases kept"
        + " changing. Version {} may still be pending.", name, config.label(), pendingVersionId);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** The secret's etag and version aliases. */
  record Secret(String etag, Map<String, String> aliases) {}

  private Secret getSecret(String name, String secretId) {
    SecretManagerHttp.Response r = call("GET", secretPath(secretId), null, name, secretId, null, Op.ALIASES);
    return secret(r, name, secretId);
  }

  private Secret secret(SecretManagerHttp.Response r, String name, String secretId) {
    JsonNode json = tree(r, "secret '" + name + "' (" + secretId + ")");
    Map<String, String> aliases = new LinkedHashMap<>();
    json.path("versionAliases").fields().forEachRemaining(e -> aliases.put(e.getKey(), e.getValue().asText()));
    return new Secret(json.path("etag").asText(null), aliases);
  }

  private Secret patchAliases(String name, String secretId, Map<String, String> aliases, String etag) {
    ObjectNode body = mapper().createObjectNode();
    ObjectNode a = body.putObject("versionAliases");
    aliases.forEach(a::put);
    if (etag != null) {
      body.put("etag", etag);
    }
    SecretManagerHttp.Response r = call("PATCH", secretPath(secretId) + "?updateMask=versionAliases", bytes(body),
        name, secretId, null, Op.ALIASES);
    return secret(r, name, secretId);
  }

  /** The number of the version {@code latest} points at (metadata only, no payload). */
  private String latestVersion(String name, String secretId) {
    SecretManagerHttp.Response r = call("GET", secretPath(secretId) + "/versions/" + LATEST, null, name, secretId,
        LATEST, Op.ALIASES);
    JsonNode json = tree(r, "the latest version of secret '" + name + "'");
    String versionName = json.path("name").asText("");
    if (versionName.isEmpty()) {
      throw malformed("the latest version of secret '" + name + "'", "no version name");
    }
    return lastSegment(versionName);
  }

  private SecretRecord addVersion(String name, String secretId, byte[] value) {
    ObjectNode body = mapper().createObjectNode();
    ObjectNode payload = body.putObject("payload");
    payload.put("data", Base64.getEncoder().encodeToString(value));
    payload.put("dataCrc32c", Long.toString(crc32c(value)));
    byte[] json = bytes(body);
    SecretManagerHttp.Response r;
    try {
      r = call("POST", secretPath(secretId) + ":addVersion", json, name, secretId, null, Op.WRITE);
    } finally {
      java.util.Arrays.fill(json, (byte) 0);
    }
    JsonNode v = tree(r, "the new version of secret '" + name + "'");
    String versionName = v.path("name").asText("");
    if (versionName.isEmpty()) {
      throw malformed("the new version of secret '" + name + "'", "no version name");
    }
    Instant created = null;
    if (v.hasNonNull("createTime")) {
      try {
        created = Instant.parse(v.get("createTime").asText());
      } catch (DateTimeParseException e) {
        created = null;
      }
    }
    return new SecretRecord(name, lastSegment(versionName), value.clone(), created, null,
        Map.of("secret", config.parent() + "/secrets/" + secretId));
  }

  private void disableQuietly(String name, String secretId, String version) {
    try {
      call("POST", secretPath(secretId) + "/versions/" + version + ":disable", "{}".getBytes(StandardCharsets.UTF_8),
          name, secretId, version, Op.WRITE);
    } catch (SecretsException e) {
      LOG.warn("Could not disable version {} of secret '{}' in Secret Manager project {} ({}); disable it with"
          + " 'gcloud secrets versions disable {} --secret {}'.", version, name, config.label(),
          e.getClass().getSimpleName(), version, secretId);
    }
  }

  // ------------------------------------------------------------------ plumbing

  /** The secret id for {@code name}, refusing a second portable spelling of one id. */
  String secretId(String name) {
    Objects.requireNonNull(name, "name");
    String secretId = SecretManagerNames.toSecretId(name);
    String first = spellings.computeIfAbsent(secretId, k -> name);
    if (!first.equals(name)) {
      throw SecretManagerNames.collision(first, name, secretId);
    }
    return secretId;
  }

  private String secretPath(String secretId) {
    return "/v1/" + config.parent() + "/secrets/" + secretId;
  }

  private SecretManagerHttp.Response call(String method, String path, byte[] body, String name, String secretId,
      String version, Op op) {
    SecretManagerHttp.Response r;
    try {
      r = http.send(method, path, body);
    } catch (IOException e) {
      throw errors.io(e, name, secretId);
    }
    if (r.status() / 100 != 2) {
      throw errors.map(r, name, secretId, version, op);
    }
    return r;
  }

  private JsonNode tree(SecretManagerHttp.Response r, String where) {
    try {
      JsonNode n = mapper().readTree(r.body());
      if (n == null || !n.isObject()) {
        throw malformed(where, "not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw malformed(where, "not valid JSON");
    }
  }

  private SecretsException malformed(String where, String why) {
    return new SecretsException("Secret Manager (" + config.baseUrl() + ") answered for " + where + " with a body"
        + " that is not a Secret Manager response: " + why + ". Check endpoint= in secrets.provider (a proxy or"
        + " captive portal?).");
  }

  private ObjectMapper mapper() {
    ObjectMapper m = mapper;
    if (m == null) {
      m = new ObjectMapper();
      mapper = m;
    }
    return m;
  }

  private byte[] bytes(JsonNode n) {
    try {
      return mapper().writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("serialising a request body", e);
    }
  }

  private static String lastSegment(String resourceName) {
    int slash = resourceName.lastIndexOf('/');
    return slash < 0 ? resourceName : resourceName.substring(slash + 1);
  }

  static long crc32c(byte[] value) {
    CRC32C c = new CRC32C();
    c.update(value);
    return c.getValue();
  }
}
