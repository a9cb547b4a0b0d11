package io.secretsbroker.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.azure.KeyVaultErrors.Operation;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import io.secretsbroker.spi.Utf8;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The Azure Key Vault driver: one {@link SecretClient} over the JDK HTTP client, built once.
 *
 * <p><b>Names</b> are mapped by {@link KeyVaultNames}; a second spelling of a name that differs
 * only in case (Key Vault ignores case) is refused. <b>Versions</b> are Key Vault version ids.
 * <b>Values</b> are UTF-8 text; a secret whose content type is {@code application/octet-stream}
 * or {@code application/x-pkcs12} holds base64 and is decoded, and {@link #put} stores bytes that
 * are not UTF-8 that way.
 *
 * <p><b>Validity.</b> A disabled secret, one past its {@code expiresOn} or before its
 * {@code notBefore} is a {@link SecretAccessDeniedException} that says so. A secret expiring within
 * {@value #EXPIRY_WARNING_DAYS} days is returned and logged at WARN once per version (name and
 * date only). The dates, the enabled flag and the content type are in the record's metadata.
 *
 * <p><b>Failures</b> are mapped by {@link KeyVaultErrors}. The SDK's own retries are off (the
 * portable client retries {@link ProviderUnavailableException}); a 429 becomes a
 * {@link ProviderUnavailableException} carrying the answer's {@code Retry-After} as
 * {@link ProviderUnavailableException#retryAfter()}, which the portable retry waits out. This
 * driver never sleeps.
 *
 * <p><b>Checkpoints</b> (CRaC, Lambda SnapStart): {@link #beforeCheckpoint} drops the SDK client,
 * its cached access token, the credential and the HTTP connections; the next call rebuilds them.
 *
 * <p><b>Threads.</b> Safe for concurrent use; owns no threads. Key Vault has no batch read, so
 * this driver does not override {@link #fetchAll}: the portable client fans a batch out into
 * single gets (bounded, on its own executor). The vault is never listed.
 */
final class KeyVaultSecretProvider implements SecretProvider {
  static final int EXPIRY_WARNING_DAYS = 30;
  static final String OCTET_STREAM = "application/octet-stream";
  private static final String PKCS12 = "application/x-pkcs12";
  private static final Pattern VERSION_ID = Pattern.compile("[0-9A-Za-z]{1,64}");
  private static final Logger LOG = LoggerFactory.getLogger(KeyVaultSecretProvider.class);

  private final KeyVaultConfig config;
  private final Supplier<? extends TokenCredential> credentials;
  private final Supplier<? extends HttpClient> httpClients;
  private final Object clientLock = new Object();
  private volatile SecretClient client; // null after a checkpoint until the next call rebuilds it
  private final java.util.concurrent.atomic.AtomicInteger clientBuilds = new java.util.concurrent.atomic.AtomicInteger();
  private final KeyVaultErrors errors;
  private final Clock clock;
  private final Map<String, String> spellings = new ConcurrentHashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  KeyVaultSecretProvider(KeyVaultConfig config, TokenCredential credential, HttpClient httpClient, Clock clock) {
    this(config, () -> credential, () -> httpClient, clock);
  }

  /**
   * With factories for the credential and the HTTP client: each is asked again when the SDK client
   * is rebuilt after a checkpoint, so neither a cached access token nor a pooled connection
   * survives it.
   */
  KeyVaultSecretProvider(KeyVaultConfig config, Supplier<? extends TokenCredential> credentials,
      Supplier<? extends HttpClient> httpClients, Clock clock) {
    this.credentials = credentials;
    this.httpClients = httpClients;
    this.config = config;
    this.clock = clock;
    this.errors = new KeyVaultErrors(config.label() + " (" + config.vaultUrl() + ")");
    this.client = buildClient();
  }

  private SecretClient buildClient() {
    SecretClientBuilder builder = new SecretClientBuilder()
        .vaultUrl(config.vaultUrl())
        .credential(credentials.get())
        .httpClient(httpClients.get())
        .retryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ZERO)))
        .addPolicy(new DropEmptyContentLength());
    if (!config.verifyChallengeResource()) {
      builder.disableChallengeResourceVerification();
    }
    clientBuilds.incrementAndGet();
    return builder.buildClient();
  }

  /** The SDK client, rebuilt on the first call after a checkpoint. */
  private SecretClient client() {
    SecretClient c = client;
    if (c != null) {
      return c;
    }
    synchronized (clientLock) {
      if (client == null) {
        client = buildClient();
      }
      return client;
    }
  }

  /**
   * Before a CRaC / SnapStart checkpoint: forgets the SDK client, and with it the access token its
   * bearer policy cached, the credential (whose own token cache goes with it: a new one is built
   * from the environment on the next call) and the HTTP client with its pooled connections. The next
   * call signs in again as the restored environment's identity. Never throws.
   */
  @Override
  public void beforeCheckpoint() {
    synchronized (clientLock) {
      client = null;
    }
  }

  /** Whether an SDK client (with its cached token and connections) is held, for tests. */
  boolean holdsClient() {
    return client != null;
  }

  /** How many SDK clients were built, for tests. */
  int clientBuilds() {
    return clientBuilds.get();
  }

  /**
   * The SDK sets {@code Content-Length} on every request, a header the JDK client computes itself
   * from the body and refuses, logging a WARN per request. It is dropped wherever the body's length
   * is known (no body, or an in-memory body such as a write's JSON: the JDK client sizes it
   * exactly); only a streamed body of unknown length would keep it.
   */
  static final class DropEmptyContentLength implements HttpPipelinePolicy {
    @Override
    public Mono<com.azure.core.http.HttpResponse> process(HttpPipelineCallContext context,
        HttpPipelineNextPolicy next) {
      strip(context);
      return next.process();
    }

    @Override
    public com.azure.core.http.HttpResponse processSync(HttpPipelineCallContext context,
        HttpPipelineNextSyncPolicy next) {
      strip(context);
      return next.processSync();
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
      return HttpPipelinePosition.PER_RETRY;
    }

    private static void strip(HttpPipelineCallContext context) {
      com.azure.core.util.BinaryData body = context.getHttpRequest().getBodyAsBinaryData();
      if (body == null || body.getLength() != null) {
        context.getHttpRequest().getHeaders().remove(HttpHeaderName.CONTENT_LENGTH);
      }
    }
  }

  /** The Azure HTTP client every provider uses: the JDK's, with these timeouts. */
  static HttpClient httpClient(java.net.http.HttpClient.Builder base, Duration timeout) {
    return new JdkHttpClientBuilder(base)
        .connectionTimeout(timeout)
        .responseTimeout(timeout)
        .readTimeout(timeout)
        .writeTimeout(timeout)
        .build();
  }

  @Override
  public String id() {
    return "azure:" + config.label();
  }

  @Override
  public SecretRecord fetch(String name) {
    String vaultName = vaultName(name);
    KeyVaultSecret secret = call(name, vaultName, null, Operation.READ, () -> client().getSecret(vaultName));
    return toRecord(name, secret);
  }

  @Override
  public SecretRecord fetchVersion(String name, String versionId) {
    if (versionId == null) {
      return fetch(name);
    }
    String vaultName = vaultName(name);
    if (!VERSION_ID.matcher(versionId).matches()) {
      throw new SecretNotFoundException("Secret '" + name + "' has no version '" + versionId + "' in Key Vault "
          + config.label() + ": Key Vault version ids are 32 letters and digits.");
    }
    KeyVaultSecret secret = call(name, vaultName, versionId, Operation.READ,
        () -> client().getSecret(vaultName, versionId));
    return toRecord(name, secret);
  }

  @Override
  public SecretRecord put(String name, byte[] value) {
    String vaultName = vaultName(name);
    KeyVaultSecret toWrite = stored(vaultName, value);
    KeyVaultSecret written = call(name, vaultName, null, Operation.WRITE, () -> client().setSecret(toWrite));
    SecretProperties p = written.getProperties();
    return new SecretRecord(name, p.getVersion(), value.clone(), instant(p.getCreatedOn()), instant(p.getExpiresOn()),
        metadata(p));
  }

  /**
   * How bytes are stored in Key Vault, which holds text: UTF-8 text as is, anything else base64
   * with content type {@value #OCTET_STREAM} (read back by {@link #decode}).
   */
  static KeyVaultSecret stored(String vaultName, byte[] value) {
    String text = Utf8.textOrNull(value);
    if (text != null) {
      return new KeyVaultSecret(vaultName, text);
    }
    KeyVaultSecret secret = new KeyVaultSecret(vaultName, Base64.getEncoder().encodeToString(value));
    secret.getProperties().setContentType(OCTET_STREAM);
    return secret;
  }

  // ------------------------------------------------------------------ rotation: staging SPI

  /** The suffix of the sibling secret holding a pending candidate: five hyphens, outside the name rule. */
  static final String PENDING_SUFFIX = "-----pending";
  private static final String STAGED_FROM = "stagedFrom";
  private static final String PREVIOUS_VERSION = "previousVersion";

  /**
   * The Key Vault name of {@code vaultName}'s pending sibling. A run of five hyphens is outside the
   * range of {@link KeyVaultNames} (no portable name maps to it), so the mapping stays a bijection
   * and a sibling can never be read, or overwritten, as a secret of its own.
   */
  static String pendingName(String vaultName) {
    String sibling = vaultName + PENDING_SUFFIX;
    if (sibling.length() > KeyVaultNames.MAX_VAULT_NAME_LENGTH) {
      throw new SecretsException("Secret '" + vaultName + "' has a Key Vault name too long for its pending sibling"
          + " (" + sibling.length() + " > " + KeyVaultNames.MAX_VAULT_NAME_LENGTH + " characters), so it cannot be"
          + " rotated through the SDK. Use a name at most " + (KeyVaultNames.MAX_VAULT_NAME_LENGTH
          - PENDING_SUFFIX.length()) + " characters long in Key Vault.");
    }
    return sibling;
  }

  /** Staging is supported through a sibling secret; see {@code docs/providers.md} for what is not atomic. */
  @Override
  public boolean supportsStaging() {
    return true;
  }

  @Override
  public SecretRecord fetchStage(String name, VersionStage stage) {
    Objects.requireNonNull(stage, "stage");
    String vaultName = vaultName(name);
    if (stage == VersionStage.CURRENT) {
      return fetch(name);
    }
    if (stage == VersionStage.PREVIOUS) {
      KeyVaultSecret current = call(name, vaultName, null, Operation.READ, () -> client().getSecret(vaultName));
      String previous = tag(current, PREVIOUS_VERSION);
      if (previous == null) {
        throw new SecretNotFoundException("Secret '" + name + "' has no previous version in Key Vault "
            + config.label() + " (it was not promoted by a rotation).");
      }
      return fetchVersion(name, previous);
    }
    String sibling = pendingName(vaultName);
    KeyVaultSecret pending;
    try {
      pending = call(name, sibling, null, Operation.READ, () -> client().getSecret(sibling));
    } catch (SecretNotFoundException none) {
      fetch(name); // not found, naming the secret, when the secret itself does not exist
      throw new SecretNotFoundException("Secret '" + name + "' has no pending version in Key Vault "
          + config.label() + " (no rotation is in progress).", none);
    }
    return pendingRecord(name, pending);
  }

  @Override
  public SecretRecord stage(String name, String expectedCurrentVersionId, byte[] value) {
    Objects.requireNonNull(expectedCurrentVersionId, "expectedCurrentVersionId");
    Objects.requireNonNull(value, "value");
    String vaultName = vaultName(name);
    String sibling = pendingName(vaultName);
    String current = currentVersion(name, vaultName);
    if (!current.equals(expectedCurrentVersionId)) {
      throw conflict(name, expectedCurrentVersionId, current);
    }
    KeyVaultSecret toWrite = stored(sibling, value);
    toWrite.getProperties().setTags(Map.of(STAGED_FROM, expectedCurrentVersionId));
    KeyVaultSecret written;
    try {
      written = call(name, sibling, null, Operation.WRITE, () -> client().setSecret(toWrite));
    } catch (SecretsException e) {
      if (!(e.getCause() instanceof HttpResponseException h) || h.getResponse() == null
          || h.getResponse().getStatusCode() != 409) {
        throw e;
      }
      // the sibling of an earlier rotation is soft-deleted and blocks its name: purge it, then write
      call(name, sibling, null, Operation.PURGE, () -> {
        client().purgeDeletedSecret(sibling);
        return null;
      });
      written = call(name, sibling, null, Operation.WRITE, () -> client().setSecret(toWrite));
    }
    SecretProperties p = written.getProperties();
    return new SecretRecord(name, p.getVersion(), value.clone(), instant(p.getCreatedOn()), null,
        Map.of(STAGED_FROM, expectedCurrentVersionId));
  }

  @Override
  public SecretRecord promote(String name, String pendingVersionId, String expectedCurrentVersionId) {
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    Objects.requireNonNull(expectedCurrentVersionId, "expectedCurrentVersionId");
    String vaultName = vaultName(name);
    String sibling = pendingName(vaultName);
    KeyVaultSecret pending;
    try {
      pending = call(name, sibling, null, Operation.READ, () -> client().getSecret(sibling));
    } catch (SecretNotFoundException gone) {
      pending = null;
    }
    if (pending == null || !pendingVersionId.equals(pending.getProperties().getVersion())) {
      throw new RotationConflictException("Secret '" + name + "' in Key Vault " + config.label() + " has no pending"
          + " version '" + pendingVersionId + "' any more (another rotation replaced or discarded it); nothing was"
          + " promoted. Rotate again.");
    }
    // Key Vault has no conditional write: re-read, then write. The window between the two calls is
    // not atomic (see docs/providers.md).
    String current = currentVersion(name, vaultName);
    if (!current.equals(expectedCurrentVersionId)) {
      throw conflict(name, expectedCurrentVersionId, current);
    }
    KeyVaultSecret toWrite = new KeyVaultSecret(vaultName, pending.getValue());
    toWrite.getProperties().setContentType(pending.getProperties().getContentType());
    toWrite.getProperties().setTags(Map.of(PREVIOUS_VERSION, expectedCurrentVersionId));
    KeyVaultSecret written = call(name, vaultName, null, Operation.WRITE, () -> client().setSecret(toWrite));
    SecretRecord promoted = toRecord(name, written);
    try {
      deleteSibling(name, sibling);
    } catch (SecretsException e) {
      LOG.warn("Secret '{}' was promoted to version {} in Key Vault {} but its pending sibling could not be"
          + " deleted ({}); the next rotation replaces it", name, promoted.versionId(), config.label(),
          e.getClass().getSimpleName());
    }
    return promoted;
  }

  @Override
  public void discardPending(String name, String pendingVersionId) {
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    String vaultName = vaultName(name);
    String sibling = pendingName(vaultName);
    KeyVaultSecret pending;
    try {
      pending = call(name, sibling, null, Operation.READ, () -> client().getSecret(sibling));
    } catch (SecretNotFoundException gone) {
      return;
    }
    if (pendingVersionId.equals(pending.getProperties().getVersion())) {
      deleteSibling(name, sibling);
    }
  }

  private void deleteSibling(String name, String sibling) {
    try {
      call(name, sibling, null, Operation.DELETE, () -> client().beginDeleteSecret(sibling));
    } catch (SecretNotFoundException gone) {
      // already deleted
    }
  }

  private String currentVersion(String name, String vaultName) {
    KeyVaultSecret current = call(name, vaultName, null, Operation.READ, () -> client().getSecret(vaultName));
    return current.getProperties().getVersion();
  }

  private SecretRecord pendingRecord(String name, KeyVaultSecret pending) {
    SecretRecord r = toRecord(name, pending);
    String from = tag(pending, STAGED_FROM);
    Map<String, String> meta = new LinkedHashMap<>(r.metadata());
    if (from != null) {
      meta.put(STAGED_FROM, from);
    }
    return new SecretRecord(name, r.versionId(), r.value(), r.createdOn(), r.expiresOn(), meta);
  }

  private static String tag(KeyVaultSecret secret, String key) {
    Map<String, String> tags = secret.getProperties().getTags();
    return tags == null ? null : tags.get(key);
  }

  private RotationConflictException conflict(String name, String expected, String holder) {
    return new RotationConflictException("Secret '" + name + "' in Key Vault " + config.label() + " is at version "
        + holder + ", not the expected " + expected + ": another writer got there first, so nothing was changed."
        + " Read the current value and rotate again if needed.");
  }

  @Override
  public void close() {
    // nothing to release: the SDK client holds no threads of ours, and the HTTP client is the JDK's
  }

  /** The Key Vault name for {@code name}, refusing a second case-spelling of one vault secret. */
  String vaultName(String name) {
    String vaultName = KeyVaultNames.toVaultName(name);
    String first = spellings.computeIfAbsent(vaultName.toLowerCase(Locale.ROOT), k -> name);
    if (!first.equals(name)) {
      throw new SecretsException("Secret names '" + first + "' and '" + name + "' name the same Key Vault secret"
          + " (Key Vault ignores case), so they would share one value under two cache entries. Use one spelling.");
    }
    return vaultName;
  }

  private <T> T call(String name, String vaultName, String version, Operation op, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      SecretsException mapped = errors.map(e, name, vaultName, version, op);
      Duration wait = e instanceof HttpResponseException http && http.getResponse() != null
          && http.getResponse().getStatusCode() == 429 ? retryAfter(http.getResponse()) : null;
      if (wait != null && mapped instanceof ProviderUnavailableException) {
        // the portable retry waits this long before the next attempt; this driver never sleeps
        throw new ProviderUnavailableException(mapped.getMessage(), e, wait);
      }
      throw mapped;
    }
  }

  /**
   * The wait a throttling answer asks for: {@code retry-after-ms} / {@code x-ms-retry-after-ms}
   * (milliseconds) or {@code Retry-After} (seconds or an HTTP date); null when absent or unreadable.
   */
  Duration retryAfter(HttpResponse response) {
    for (String h : List.of("retry-after-ms", "x-ms-retry-after-ms")) {
      String v = response.getHeaderValue(HttpHeaderName.fromString(h));
      if (v != null && v.trim().matches("\\d{1,9}")) {
        return Duration.ofMillis(Long.parseLong(v.trim()));
      }
    }
    String v = response.getHeaderValue(HttpHeaderName.RETRY_AFTER);
    if (v == null || v.isBlank()) {
      return null;
    }
    v = v.trim();
    if (v.matches("\\d{1,9}")) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    try {
      Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private SecretRecord toRecord(String name, KeyVaultSecret secret) {
    SecretProperties p = secret.getProperties();
    String where = "Secret '" + name + "' version '" + p.getVersion() + "' in Key Vault " + config.label();
    Instant now = clock.instant();
    Instant expiresOn = instant(p.getExpiresOn());
    Instant notBefore = instant(p.getNotBefore());
    if (Boolean.FALSE.equals(p.isEnabled())) {
      throw new SecretAccessDeniedException(where + " is disabled. Enable it ('az keyvault secret set-attributes"
          + " --enabled true') or set a new version.");
    }
    if (expiresOn != null && !now.isBefore(expiresOn)) {
      throw new SecretAccessDeniedException(where + " expired on " + expiresOn + ". Set a new version or extend its"
          + " expiry ('az keyvault secret set-attributes --expires').");
    }
    if (notBefore != null && now.isBefore(notBefore)) {
      throw new SecretAccessDeniedException(where + " is not valid before " + notBefore + " (its notBefore"
          + " date). Wait until then, or change notBefore.");
    }
    if (expiresOn != null && now.plus(Duration.ofDays(EXPIRY_WARNING_DAYS)).isAfter(expiresOn)
        && warned.add(name + "\u0000" + p.getVersion())) {
      LOG.warn("Secret '{}' in Key Vault {} expires on {} (in {} days). Set a new version or extend its expiry.",
          name, config.label(), expiresOn, Duration.between(now, expiresOn).toDays());
    }
    String value = secret.getValue();
    if (value == null) {
      throw new SecretsException(where + " came back without a value. Check that it is a secret, not a key or"
          + " certificate object.");
    }
    return new SecretRecord(name, p.getVersion(), decode(value, p.getContentType(), where), instant(p.getCreatedOn()),
        expiresOn, metadata(p));
  }

  private static byte[] decode(String value, String contentType, String where) {
    String type = contentType == null ? "" : contentType.trim().toLowerCase(Locale.ROOT);
    if (type.startsWith(OCTET_STREAM) || type.startsWith(PKCS12)) {
      try {
        return Base64.getMimeDecoder().decode(value);
      } catch (IllegalArgumentException e) {
        throw new SecretsException(where + " has content type " + contentType + " but its value is not base64."
            + " Store binary values base64-encoded, or clear the content type for text.");
      }
    }
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> metadata(SecretProperties p) {
    Map<String, String> m = new LinkedHashMap<>();
    if (p.getContentType() != null) {
      m.put("contentType", p.getContentType());
    }
    if (p.isEnabled() != null) {
      m.put("enabled", p.isEnabled().toString());
    }
    if (p.getNotBefore() != null) {
      m.put("notBefore", instant(p.getNotBefore()).toString());
    }
    if (p.getExpiresOn() != null) {
      m.put("expiresOn", instant(p.getExpiresOn()).toString());
    }
    if (p.getUpdatedOn() != null) {
      m.put("updatedOn", instant(p.getUpdatedOn()).toString());
    }
    return m;
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
