package io.secretsbroker.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.SecretNames;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HashiCorp Vault as a {@link SecretProvider}: secrets from one KV v2 mount, dynamic secrets with
 * leases under configured path prefixes, a token from the platform identity kept alive on access.
 *
 * <ul>
 *   <li>{@link #fetch}: {@code GET /v1/<mount>/data/<name>}; the value is the secret's {@code data}
 *       map (see {@link KvValues} for text and binary), {@code versionId} the KV version,
 *       {@code createdOn} its {@code created_time}, {@code expiresOn} a scheduled
 *       {@code deletion_time}. A deleted or destroyed latest version is not found.
 *   <li>{@link #fetchVersion}: the same with {@code ?version=N}.
 *   <li>{@link #put}: {@code POST /v1/<mount>/data/<name>} with {@code options.cas} set to the version
 *       this provider last read of that name (or the current one, read first, when it has read none;
 *       0 when the secret does not exist). A lost race is {@link CheckAndSetConflictException}.
 *   <li><b>Rotation</b> (the staging SPI): the candidate is stored durably at the sibling path
 *       {@code <name>}{@value #PENDING_SUFFIX} of the same mount, as KV data
 *       {@code {"id": <random pending id>, "stagedFrom": <version>, "candidate": <the value's data map>}};
 *       readers of {@code <name>} never see it, and a policy on {@code <mount>/data/<dir>/*} covers
 *       it. {@link #stage} first reads the current version and refuses with
 *       {@link CheckAndSetConflictException} when it is not the expected one. {@link #promote}
 *       writes the candidate to {@code <name>} with {@code options.cas} = the expected version (the
 *       atomic compare-and-set: Vault refuses the write when a newer version exists), then deletes
 *       the pending path's metadata and versions ({@code DELETE <mount>/metadata/<name>.pending}).
 *       {@link #discardPending} deletes it the same way. {@code PREVIOUS} is KV version
 *       {@code current - 1}. A name ending in {@value #PENDING_SUFFIX} cannot be rotated.
 *   <li>Dynamic secrets: a name under a {@code dynamic=} prefix (e.g. {@code database/creds/app})
 *       is read with {@code GET /v1/<name>}; each read is a new lease: {@code versionId} is the lease
 *       id, {@code expiresOn} the lease end, metadata {@code leaseId}, {@code leaseDuration} (ISO-8601)
 *       and {@code renewable}. Leases still running are revoked on {@link #close()}.
 * </ul>
 *
 * <p>Errors: 404 is {@link SecretNotFoundException}; 403 (after a re-login when the token itself
 * was refused) is {@link SecretAccessDeniedException} naming the policy path to grant; 429, 412,
 * 5xx (including a sealed Vault), timeouts and I/O are
 * {@link io.secretsbroker.ProviderUnavailableException}. No message holds a value or a token.
 *
 * <p>Thread-safe; calls never hold a lock during I/O except the rare login/renewal (see
 * {@link TokenManager}). {@link #close()} is idempotent.
 */
public final class VaultSecretProvider implements SecretProvider {
  private static final Logger log = LoggerFactory.getLogger(VaultSecretProvider.class);

  /** The suffix of the sibling path that holds a rotation's pending candidate. */
  static final String PENDING_SUFFIX = ".pending";

  private final VaultSettings settings;
  private final VaultHttp http;
  private final TokenManager tokens;
  private final Clock clock;
  private final String id;
  private final Map<String, Long> lastRead = new ConcurrentHashMap<>();
  private final Map<String, Instant> leases = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  VaultSecretProvider(VaultSettings settings, VaultHttp http, VaultAuth auth, Clock clock) {
    this.settings = settings;
    this.http = http;
    this.tokens = new TokenManager(auth, http, clock);
    this.clock = clock;
    this.id = "vault:" + settings.endpoint.getHost() + "/" + settings.mount;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public SecretRecord fetch(String name) {
    checkName(name);
    return settings.isDynamic(name) ? readDynamic(name) : readKv(name, null);
  }

  @Override
  public SecretRecord fetchVersion(String name, String versionId) {
    checkName(name);
    if (versionId == null) {
      return fetch(name);
    }
    if (settings.isDynamic(name)) {
      throw new SecretNotFoundException("Secret '" + name + "' is a dynamic secret in " + id + ": every read is a"
          + " new lease, so there is no version '" + versionId + "' to read again.");
    }
    if (!versionId.matches("[1-9][0-9]{0,18}")) {
      throw new SecretNotFoundException("Secret '" + name + "' has no version '" + versionId + "' in " + id
          + ": KV v2 versions are positive whole numbers.");
    }
    return readKv(name, versionId);
  }

  @Override
  public SecretRecord put(String name, byte[] value) {
    checkName(name);
    if (settings.isDynamic(name)) {
      throw new SecretsException("Secret '" + name + "' is a dynamic secret in " + id + " (under dynamic="
          + String.join(",", settings.dynamicPrefixes) + "); Vault generates its values, they cannot be written.");
    }
    Long known = lastRead.get(name);
    long cas = known != null ? known : currentVersion(name);
    ObjectNode body = VaultHttp.object();
    body.putObject("options").put("cas", cas);
    body.set("data", KvValues.encode(value));
    String what = "writing secret '" + name + "' to " + id;
    VaultHttp.Response r = call("POST", dataPath(name), body, what);
    if (r.status() == 400 && VaultErrors.mentions(r.body(), "check-and-set")) {
      lastRead.remove(name);
      throw new CheckAndSetConflictException("Secret '" + name + "' in " + id + " was changed by another writer"
          + " after version " + cas + " was read, so this write was refused (check-and-set) and nothing was"
          + " written; the other version stays current. Read the secret again and retry if still needed.");
    }
    if (!r.ok()) {
      throw failure(r, name, what, kvPolicy(name, "\"create\", \"update\", \"read\""), false);
    }
    JsonNode meta = r.body().path("data");
    long version = meta.path("version").asLong();
    lastRead.put(name, version);
    return new SecretRecord(name, Long.toString(version), value.clone(), instant(meta.path("created_time")),
        null, Map.of("mount", settings.mount));
  }

  // ---------------------------------------------------------------- rotation: staging SPI

  /** KV v2 secrets can be staged (a sibling pending path) and promoted with {@code options.cas}. */
  @Override
  public boolean supportsStaging() {
    return true;
  }

  @Override
  public SecretRecord fetchStage(String name, VersionStage stage) {
    Objects.requireNonNull(stage, "stage");
    checkName(name);
    if (stage == VersionStage.CURRENT) {
      return fetch(name);
    }
    checkRotatable(name);
    if (stage == VersionStage.PREVIOUS) {
      SecretRecord current = readKv(name, null);
      java.util.Arrays.fill(current.value(), (byte) 0);
      long v = Long.parseLong(current.versionId());
      if (v < 2) {
        throw new SecretNotFoundException("Secret '" + name + "' has no previous version in " + id
            + " (it has only version 1).");
      }
      return readKv(name, Long.toString(v - 1));
    }
    JsonNode pending = readPending(name);
    if (pending == null) {
      readKv(name, null); // not found, naming the secret, when it does not exist at all
      throw new SecretNotFoundException("Secret '" + name + "' has no pending version in " + id
          + " (no rotation is in progress).");
    }
    return pendingRecord(name, pending);
  }

  @Override
  public SecretRecord stage(String name, String expectedCurrentVersionId, byte[] value) {
    checkName(name);
    Objects.requireNonNull(expectedCurrentVersionId, "expectedCurrentVersionId");
    Objects.requireNonNull(value, "value");
    checkRotatable(name);
    SecretRecord current = readKv(name, null);
    java.util.Arrays.fill(current.value(), (byte) 0);
    if (!current.versionId().equals(expectedCurrentVersionId)) {
      throw conflict(name, expectedCurrentVersionId, current.versionId());
    }
    String pendingId = UUID.randomUUID().toString();
    ObjectNode data = VaultHttp.object();
    data.put("id", pendingId);
    data.put("stagedFrom", expectedCurrentVersionId);
    data.set("candidate", KvValues.encode(value));
    ObjectNode body = VaultHttp.object();
    body.set("data", data);
    String what = "staging a pending version of secret '" + name + "' in " + id;
    VaultHttp.Response r = call("POST", dataPath(name + PENDING_SUFFIX), body, what);
    if (!r.ok()) {
      throw failure(r, name, what, kvPolicy(name + PENDING_SUFFIX, "\"create\", \"update\", \"read\""), false);
    }
    return new SecretRecord(name, pendingId, value.clone(), instant(r.body().path("data").path("created_time")),
        null, Map.of("stagedFrom", expectedCurrentVersionId, "mount", settings.mount));
  }

  @Override
  public SecretRecord promote(String name, String pendingVersionId, String expectedCurrentVersionId) {
    checkName(name);
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    Objects.requireNonNull(expectedCurrentVersionId, "expectedCurrentVersionId");
    checkRotatable(name);
    JsonNode pending = readPending(name);
    if (pending == null || !pendingVersionId.equals(pending.path("id").asText(null))) {
      throw new CheckAndSetConflictException("Secret '" + name + "' in " + id + " has no pending version '"
          + pendingVersionId + "' any more (another rotation replaced or discarded it); nothing was promoted."
          + " Rotate again.");
    }
    long cas;
    try {
      cas = Long.parseLong(expectedCurrentVersionId);
    } catch (NumberFormatException e) {
      throw conflict(name, expectedCurrentVersionId, "?");
    }
    ObjectNode body = VaultHttp.object();
    body.putObject("options").put("cas", cas);
    body.set("data", pending.path("candidate"));
    String what = "promoting the pending version of secret '" + name + "' in " + id;
    VaultHttp.Response r = call("POST", dataPath(name), body, what);
    if (r.status() == 400 && VaultErrors.mentions(r.body(), "check-and-set")) {
      lastRead.remove(name);
      String holder;
      try {
        SecretRecord now = readKv(name, null);
        java.util.Arrays.fill(now.value(), (byte) 0);
        holder = now.versionId();
      } catch (SecretsException unreadable) {
        holder = "a newer version";
      }
      throw conflict(name, expectedCurrentVersionId, holder);
    }
    if (!r.ok()) {
      throw failure(r, name, what, kvPolicy(name, "\"create\", \"update\", \"read\""), false);
    }
    JsonNode meta = r.body().path("data");
    long version = meta.path("version").asLong();
    lastRead.put(name, version);
    deletePending(name);
    return new SecretRecord(name, Long.toString(version), KvValues.decode(pending.path("candidate")),
        instant(meta.path("created_time")), null, Map.of("mount", settings.mount));
  }

  @Override
  public void discardPending(String name, String pendingVersionId) {
    checkName(name);
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    checkRotatable(name);
    JsonNode pending = readPending(name);
    if (pending != null && pendingVersionId.equals(pending.path("id").asText(null))) {
      deletePending(name);
    }
  }

  /** The pending path's data, or null when there is none. */
  private JsonNode readPending(String name) {
    String what = "reading the pending version of secret '" + name + "' from " + id;
    VaultHttp.Response r = call("GET", dataPath(name + PENDING_SUFFIX), null, what);
    if (r.status() == 404 && !VaultErrors.mentions(r.body(), "no handler for route")) {
      return null;
    }
    if (!r.ok()) {
      throw failure(r, name, what, kvPolicy(name + PENDING_SUFFIX, "\"read\""), true);
    }
    JsonNode data = r.body().path("data").path("data");
    return data.isObject() && data.path("id").isTextual() && data.path("candidate").isObject() ? data : null;
  }

  private SecretRecord pendingRecord(String name, JsonNode pending) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("mount", settings.mount);
    if (pending.path("stagedFrom").isTextual()) {
      metadata.put("stagedFrom", pending.get("stagedFrom").asText());
    }
    return new SecretRecord(name, pending.get("id").asText(), KvValues.decode(pending.get("candidate")), null,
        null, metadata);
  }

  /** {@code DELETE <mount>/metadata/<name>.pending}: every version of the candidate, not a soft delete. */
  private void deletePending(String name) {
    String what = "deleting the pending version of secret '" + name + "' in " + id;
    VaultHttp.Response r = call("DELETE", settings.mount + "/metadata/" + encode(name + PENDING_SUFFIX), null, what);
    if (!r.ok() && r.status() != 404) {
      throw failure(r, name, what, "path \"" + settings.mount + "/metadata/" + name + PENDING_SUFFIX
          + "\" { capabilities = [\"delete\"] }", false);
    }
  }

  private void checkRotatable(String name) {
    if (settings.isDynamic(name)) {
      throw new SecretsException("Secret '" + name + "' is a dynamic secret in " + id + " (under dynamic="
          + String.join(",", settings.dynamicPrefixes) + "); Vault generates its values, they cannot be rotated"
          + " through the SDK.");
    }
    if (name.endsWith(PENDING_SUFFIX)) {
      throw new SecretsException("Secret '" + name + "' in " + id + " ends in " + PENDING_SUFFIX + ", the suffix"
          + " of the path that holds a rotation's pending candidate; it cannot itself be rotated.");
    }
  }

  private CheckAndSetConflictException conflict(String name, String expected, String holder) {
    return new CheckAndSetConflictException("Secret '" + name + "' in " + id + " is at version " + holder
        + ", not the expected " + expected + ": another writer got there first (check-and-set), so nothing was"
        + " changed. Read the current value and rotate again if needed.");
  }

  // ---------------------------------------------------------------- KV v2

  private SecretRecord readKv(String name, String version) {
    String what = "reading secret '" + name + "'" + (version == null ? "" : " version " + version) + " from " + id;
    VaultHttp.Response r = call("GET", dataPath(name) + (version == null ? "" : "?version=" + version), null, what);
    if (!r.ok()) {
      throw failure(r, name, what, kvPolicy(name, "\"read\""), true);
    }
    JsonNode meta = r.body().path("data").path("metadata");
    JsonNode data = r.body().path("data").path("data");
    long v = meta.path("version").asLong();
    Instant deletion = instant(meta.path("deletion_time"));
    boolean deleted = deletion != null && !deletion.isAfter(clock.instant());
    if (!data.isObject() || deleted || meta.path("destroyed").asBoolean(false)) {
      throw deletedVersion(name, version, v, meta);
    }
    if (version == null) {
      lastRead.put(name, v);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("mount", settings.mount);
    JsonNode custom = meta.path("custom_metadata");
    if (custom.isObject()) {
      custom.fields().forEachRemaining(f -> metadata.put("custom." + f.getKey(), f.getValue().asText()));
    }
    return new SecretRecord(name, Long.toString(v), KvValues.decode(data), instant(meta.path("created_time")),
        deletion, metadata);
  }

  private SecretNotFoundException deletedVersion(String name, String asked, long version, JsonNode meta) {
    boolean destroyed = meta.path("destroyed").asBoolean(false);
    return new SecretNotFoundException("Secret '" + name + "' in " + id + ": " + (asked == null ? "its latest "
        : "") + "version " + version + " was " + (destroyed ? "destroyed" : "deleted") + ". " + (destroyed
        ? "A destroyed version cannot come back; write a new version."
        : "Undelete it (vault kv undelete -mount=" + settings.mount + " -versions=" + version + " " + name
            + ") or write a new version."));
  }

  /** The version a write is based on when this provider has not read the secret: the current one, or 0. */
  private long currentVersion(String name) {
    String what = "reading the current version of secret '" + name + "' from " + id + " before writing it";
    VaultHttp.Response r = call("GET", dataPath(name), null, what);
    if (r.ok() || (r.status() == 404 && !VaultErrors.mentions(r.body(), "no handler for route"))) {
      return r.body().path("data").path("metadata").path("version").asLong(0); // 0: does not exist yet
    }
    throw failure(r, name, what, kvPolicy(name, "\"create\", \"update\", \"read\""), false);
  }

  private String dataPath(String name) {
    return settings.mount + "/data/" + encode(name);
  }

  private String kvPolicy(String name, String capabilities) {
    return "path \"" + settings.mount + "/data/" + name + "\" { capabilities = [" + capabilities + "] }";
  }

  // ---------------------------------------------------------------- dynamic secrets and leases

  private SecretRecord readDynamic(String name) {
    String what = "reading dynamic secret '" + name + "' from " + id;
    VaultHttp.Response r = call("GET", encode(name), null, what);
    if (!r.ok()) {
      throw failure(r, name, what, "path \"" + name + "\" { capabilities = [\"read\"] }", true);
    }
    JsonNode body = r.body();
    JsonNode data = body.path("data");
    if (!data.isObject()) {
      throw new SecretNotFoundException("Vault returned no data for dynamic secret '" + name + "' in " + id
          + ". Check that the role exists and the secrets engine is configured.");
    }
    Instant now = clock.instant();
    String leaseId = body.path("lease_id").asText("");
    long seconds = body.path("lease_duration").asLong(0);
    Map<String, String> metadata = new LinkedHashMap<>();
    Instant expires = null;
    if (!leaseId.isEmpty()) {
      metadata.put("leaseId", leaseId);
      metadata.put("renewable", Boolean.toString(body.path("renewable").asBoolean(false)));
      if (seconds > 0) {
        Duration d = Duration.ofSeconds(seconds);
        metadata.put("leaseDuration", d.toString());
        expires = now.plus(d);
      }
      leases.put(leaseId, expires == null ? Instant.MAX : expires);
      leases.values().removeIf(end -> !end.isAfter(now));
    }
    String version = leaseId.isEmpty() ? body.path("request_id").asText(null) : leaseId;
    return new SecretRecord(name, version, KvValues.decode(data), now, expires, metadata);
  }

  // ---------------------------------------------------------------- calls and errors

  /** One call with the token lifecycle: a 403 for a refused token logs in again once and retries once. */
  private VaultHttp.Response call(String method, String path, JsonNode body, String what) {
    if (closed.get()) {
      throw new SecretsException("Provider " + id + " is closed; build a new client to read secrets.");
    }
    String token = tokens.token();
    VaultHttp.Response r = http.send(method, path, body, token, what);
    if (r.status() == 403) {
      String retryWith = tokens.afterDenied(token, r.body());
      if (retryWith != null) {
        r = http.send(method, path, body, retryWith, what);
      }
    }
    return r;
  }

  private SecretsException failure(VaultHttp.Response r, String name, String what, String policy, boolean read) {
    int s = r.status();
    if (VaultErrors.retryable(s)) {
      return VaultErrors.unavailable(r, what);
    }
    if (s == 404 && VaultErrors.mentions(r.body(), "no handler for route")) {
      return new ConfigurationException("Vault has no secrets engine at '" + settings.mount + "' (HTTP 404 while "
          + what + "). Check the mount in secrets.provider (vault://host:8200/<mount>) and that it is KV version 2"
          + (settings.namespace == null ? "" : " in namespace " + settings.namespace) + ".");
    }
    if (s == 404) {
      JsonNode meta = r.body().path("data").path("metadata");
      if (read && meta.path("version").asLong(0) > 0) {
        return deletedVersion(name, null, meta.path("version").asLong(), meta);
      }
      return new SecretNotFoundException("Secret '" + name + "' not found in " + id + " (HTTP 404 while " + what
          + "). Check the name, secrets.env/secrets.name-template and the mount" + (settings.namespace == null ? ""
          : " and namespace " + settings.namespace) + ".");
    }
    if (s == 403) {
      return new SecretAccessDeniedException("Vault denied " + what + " (HTTP 403, logged in with "
          + tokens.auth().describe() + "). Grant the role's policy: " + policy
          + (settings.namespace == null ? "" : " in namespace " + settings.namespace) + ".");
    }
    return VaultErrors.unexpected(r, what);
  }

  // ---------------------------------------------------------------- names

  /** The generic name rules, plus no encoded traversal: a name never escapes its mount. */
  private static void checkName(String name) {
    SecretNames.validate(name);
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || name.contains("\\")) {
      throw new SecretsException("Secret name '" + name + "' contains an encoded or alternative path separator"
          + " (%2e, %2f, %5c or \\); names cannot step out of their mount. Use plain '/'-separated names.");
    }
  }

  /** Each path segment percent-encoded, so Vault sees exactly the validated name. */
  private static String encode(String name) {
    StringBuilder sb = new StringBuilder(name.length() + 8);
    for (String seg : name.split("/", -1)) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(URLEncoder.encode(seg, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return sb.toString();
  }

  private static Instant instant(JsonNode n) {
    String s = n.asText("");
    if (s.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** Revokes the dynamic-secret leases still running, then this client's token. Idempotent; never throws. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    revokeLeases();
    tokens.close();
  }

  /**
   * Before a CRaC / SnapStart checkpoint: revokes the dynamic-secret leases still running (their
   * values were wiped with the cache), revokes and forgets the token with its renewal state, drops
   * the login method's cached credentials and the HTTP connections. Best effort, never throws; the
   * next read logs in again with the restored environment's identity.
   */
  @Override
  public void beforeCheckpoint() {
    if (closed.get()) {
      return;
    }
    revokeLeases();
    tokens.forget();
    http.dropConnections();
  }

  /** Leases still tracked, a token held, an HTTP client held: for tests. */
  boolean holdsAnything() {
    return !leases.isEmpty() || tokens.holdsToken() || http.holdsClient();
  }

  private void revokeLeases() {
    Instant now = clock.instant();
    int failed = 0;
    for (Map.Entry<String, Instant> lease : leases.entrySet()) {
      if (!lease.getValue().isAfter(now)) {
        continue;
      }
      try {
        ObjectNode body = VaultHttp.object().put("lease_id", lease.getKey());
        String token = tokens.token();
        VaultHttp.Response r = http.send("PUT", "sys/leases/revoke", body, token, "revoking a lease");
        if (!r.ok()) {
          failed++;
        }
      } catch (SecretsException e) {
        failed++;
      }
    }
    if (failed > 0) {
      log.warn("{} of {} dynamic-secret leases could not be revoked at {}; they end at their TTL. Grant"
          + " path \"sys/leases/revoke\" {{ capabilities = [\"update\"] }} to revoke them on close.", failed,
          leases.size(), id);
    }
    leases.clear();
  }

  @Override
  public String toString() {
    return "VaultSecretProvider[" + settings + "]";
  }
}
