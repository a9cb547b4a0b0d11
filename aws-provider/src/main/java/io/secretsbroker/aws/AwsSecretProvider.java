package io.secretsbroker.aws;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretNames;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import io.secretsbroker.spi.Utf8;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.APIErrorType;
import software.amazon.awssdk.services.secretsmanager.model.BatchGetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretValueEntry;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The AWS Secrets Manager driver: one {@link SecretsManagerClient} (AWS SDK v2, JDK
 * {@code HttpURLConnection} transport, SDK retries off because the portable client retries),
 * built once and closed with this provider.
 *
 * <ul>
 *   <li>{@link #fetch} is one {@code GetSecretValue} for the configured staging label (default
 *       {@code AWSCURRENT}); only {@code secretsmanager:GetSecretValue} is needed, never
 *       {@code DescribeSecret}. Text secrets come back as UTF-8 bytes, binary ones as they are.
 *       {@link SecretRecord#metadata()} holds {@code stages} (comma-separated staging labels) and
 *       {@code arn}.
 *   <li>{@link #fetchVersion} takes a version id, or one of the staging labels
 *       {@code AWSCURRENT}, {@code AWSPREVIOUS}, {@code AWSPENDING} in its place.
 *   <li>{@link #fetchAll} is {@code BatchGetSecretValue} in chunks of {@value #BATCH_SIZE}; a
 *       missing name is absent from the result, any other per-name error is thrown. If the role
 *       lacks {@code secretsmanager:BatchGetSecretValue} (the whole call is denied), it falls back
 *       to one {@code GetSecretValue} per name from then on. With a {@code stage} other than
 *       {@code AWSCURRENT} it always reads per name (the batch call reads only AWSCURRENT).
 *   <li>{@link #put} is the staged protocol: {@link #putPending} ({@code PutSecretValue} labelled
 *       {@code AWSPENDING}, with a fresh idempotency token), then {@link #promote}
 *       ({@code UpdateSecretVersionStage} moving {@code AWSCURRENT}, which leaves the old version as
 *       {@code AWSPREVIOUS}), then {@code AWSPENDING} is taken off the new version. A caller that
 *       wants to verify before promoting calls the two steps itself: until {@link #promote},
 *       {@code AWSCURRENT} is untouched.
 *   <li><b>Rotation</b> (the staging SPI the portable {@code rotate} runs on):
 *       {@link #stage(String, String, byte[])} reads {@code AWSCURRENT} and refuses with
 *       {@link RotationConflictException} when it is no longer the expected version, then
 *       {@code PutSecretValue} labelled {@code AWSPENDING} with a fresh {@code ClientRequestToken}
 *       (the SDK retries the call with the same token, so a retry never makes a second version; the
 *       label moves off an earlier pending version). {@link #promote(String, String, String)} is
 *       {@code UpdateSecretVersionStage} moving {@code AWSCURRENT} with {@code RemoveFromVersionId}
 *       = the expected version: Secrets Manager refuses the move ({@code InvalidParameterException})
 *       when that version no longer holds {@code AWSCURRENT}, which is the compare-and-set; the
 *       refusal becomes {@link RotationConflictException} naming the version that holds it. Then
 *       {@code AWSPENDING} is taken off the promoted version. {@link #discardPending} removes the
 *       {@code AWSPENDING} label (the version is then deprecated and AWS deletes it in time).
 *       {@link #fetchStage} reads {@code AWSCURRENT}, {@code AWSPREVIOUS}, {@code AWSPENDING} (a
 *       pending label still on the current version, as AWS's own rotation templates leave it,
 *       counts as no pending version). The check in {@code stage} is a read, not atomic with the
 *       write; the promote is where the compare-and-set is atomic.
 * </ul>
 *
 * <p><b>Failures</b>: every SDK error is mapped (see {@code docs/providers.md}): not found and
 * scheduled-for-deletion to {@link SecretNotFoundException}; {@code AccessDeniedException}, bad
 * credentials and KMS failures to {@link SecretAccessDeniedException} naming the IAM action;
 * throttling, 5xx, timeouts and I/O to {@link io.secretsbroker.ProviderUnavailableException}.
 * Values over {@value #MAX_VALUE_BYTES} bytes are refused before any call. No message contains a
 * value.
 *
 * <p><b>Checkpoints</b> (CRaC, Lambda SnapStart): {@link #beforeCheckpoint} closes the SDK client
 * and the credential chain it owns, so neither cached role credentials nor pooled connections are
 * in the snapshot; the next call builds a new client with the restored environment's credentials.
 *
 * <p><b>Threads</b>: safe for concurrent use (the SDK client is thread-safe; it is swapped under a
 * lock after a checkpoint, and this class holds no other mutable state than two flags). {@link #close} is idempotent; calls after it throw
 * {@link SecretsException}.
 */
public final class AwsSecretProvider implements SecretProvider {
  /** Secrets Manager's limit on one version's value. */
  public static final int MAX_VALUE_BYTES = 65_536;
  /** Secrets Manager's limit on names in one {@code BatchGetSecretValue}. */
  public static final int BATCH_SIZE = 20;
  public static final String AWSCURRENT = "AWSCURRENT";
  public static final String AWSPREVIOUS = "AWSPREVIOUS";
  public static final String AWSPENDING = "AWSPENDING";
  private static final Set<String> AWS_STAGES = Set.of(AWSCURRENT, AWSPREVIOUS, AWSPENDING);

  private static final Logger LOG = LoggerFactory.getLogger(AwsSecretProvider.class);

  /** One SDK client and the credential provider it owns (null when the caller supplied it). */
  record Sdk(SecretsManagerClient client, SdkAutoCloseable ownedCredentials) {
    void close() {
      client.close();
      if (ownedCredentials != null) {
        ownedCredentials.close();
      }
    }
  }

  private final java.util.function.Supplier<Sdk> sdkFactory;
  private final Object sdkLock = new Object();
  private volatile Sdk sdk; // null after a checkpoint until the next call rebuilds it
  private final java.util.concurrent.atomic.AtomicInteger sdkBuilds = new java.util.concurrent.atomic.AtomicInteger();
  private final String stage;
  private final String id;
  private final AtomicBoolean batchAllowed = new AtomicBoolean(true);
  private final AtomicBoolean closed = new AtomicBoolean();

  AwsSecretProvider(java.util.function.Supplier<Sdk> sdkFactory, Sdk first, String stage, String id) {
    this.sdkFactory = sdkFactory;
    this.sdk = first;
    this.stage = stage;
    this.id = id;
    sdkBuilds.incrementAndGet();
  }

  /**
   * The SDK client, rebuilt (with freshly resolved credentials) on the first call after a checkpoint.
   * After {@link #close()} there is none and none is rebuilt: the call fails with a
   * {@link SecretsException}. (Through a client, the portable layer refuses calls after close
   * before they get here.)
   */
  private SecretsManagerClient client() {
    Sdk s = sdk;
    if (s != null) {
      return s.client();
    }
    synchronized (sdkLock) {
      if (closed.get()) {
        throw new SecretsException("Provider " + id + " is closed. Build a new client.");
      }
      if (sdk == null) {
        sdk = sdkFactory.get();
        sdkBuilds.incrementAndGet();
      }
      return sdk.client();
    }
  }

  /**
   * A provider for an {@code aws://} URI, as {@link AwsSecretProviderFactory} makes it; for code
   * that needs the AWS-specific methods ({@link #putPending}, {@link #promote}, a
   * {@link RotationHandler}).
   *
   * @throws ConfigurationException when the URI is invalid
   */
  public static AwsSecretProvider fromUri(String uri) {
    return create(AwsSettings.parse(ProviderUri.parse(uri)), (AwsCredentialsProvider) null);
  }

  /**
   * Builds the SDK client. {@code credentials} null means the default chain (owned and closed
   * here); tests pass static credentials.
   */
  static AwsSecretProvider create(AwsSettings settings, AwsCredentialsProvider credentials) {
    return create(settings, credentials == null ? null : () -> credentials);
  }

  /**
   * Builds the SDK client. {@code credentials} null means the default chain; otherwise it is asked
   * for a credentials provider each time the SDK client is (re)built, after a checkpoint too.
   */
  static AwsSecretProvider create(AwsSettings settings,
      java.util.function.Supplier<? extends AwsCredentialsProvider> credentials) {
    String region = settings.region() != null ? settings.region() : defaultRegion(settings.profile());
    java.util.function.Supplier<Sdk> factory = () -> buildSdk(settings, region, credentials);
    Sdk first = factory.get();
    String id = "aws:" + region + (settings.endpoint() == null ? "" : "@" + settings.endpoint().getAuthority());
    return new AwsSecretProvider(factory, first, settings.stage(), id);
  }

  private static Sdk buildSdk(AwsSettings settings, String region,
      java.util.function.Supplier<? extends AwsCredentialsProvider> credentials) {
    SdkAutoCloseable owned = null;
    AwsCredentialsProvider creds;
    if (credentials == null) {
      DefaultCredentialsProvider.Builder chain = DefaultCredentialsProvider.builder();
      if (settings.profile() != null) {
        chain.profileName(settings.profile());
      }
      DefaultCredentialsProvider defaultChain = chain.build();
      creds = defaultChain;
      owned = defaultChain;
    } else {
      creds = credentials.get();
    }
    SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
        .region(Region.of(region))
        .credentialsProvider(creds)
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(settings.connectTimeout())
            .socketTimeout(settings.readTimeout()))
        .overrideConfiguration(o -> o
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallTimeout(settings.apiCallTimeout()));
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    try {
      return new Sdk(builder.build(), owned);
    } catch (SdkException e) {
      if (owned != null) {
        owned.close();
      }
      throw new ConfigurationException("Could not build the AWS Secrets Manager client for region '" + region
          + "': " + e.getMessage() + " Check the region and endpoint parameters of secrets.provider.", e);
    }
  }

  private static String defaultRegion(String profile) {
    DefaultAwsRegionProviderChain.Builder chain = DefaultAwsRegionProviderChain.builder();
    if (profile != null) {
      chain.profileName(profile);
    }
    try {
      return chain.build().getRegion().id();
    } catch (SdkException e) {
      throw new ConfigurationException("No AWS region is configured: set it in secrets.provider, e.g."
          + " aws://?region=eu-west-1 (Lambda sets AWS_REGION itself; locally set AWS_REGION or a profile"
          + " region).", e);
    }
  }

  @Override
  public String id() {
    return id;
  }

  /** The staging label {@link #fetch} reads. */
  public String stage() {
    return stage;
  }

  @Override
  public SecretRecord fetch(String name) {
    SecretNames.validate(name);
    return get(name, null, stage);
  }

  /**
   * One version by id, or by staging label when {@code versionId} is {@code AWSCURRENT},
   * {@code AWSPREVIOUS} or {@code AWSPENDING}. Null means {@link #fetch}.
   */
  @Override
  public SecretRecord fetchVersion(String name, String versionId) {
    if (versionId == null) {
      return fetch(name);
    }
    SecretNames.validate(name);
    return AWS_STAGES.contains(versionId) ? get(name, null, versionId) : get(name, versionId, null);
  }

  /** The version with id {@code versionId} if it also carries {@code stageLabel}, else empty. */
  Optional<SecretRecord> findVersion(String name, String versionId, String stageLabel) {
    try {
      return Optional.of(get(name, versionId, stageLabel));
    } catch (SecretNotFoundException e) {
      return Optional.empty();
    }
  }

  /** One {@code GetSecretValue}; versionId and stageLabel may each be null. */
  SecretRecord get(String name, String versionId, String stageLabel) {
    GetSecretValueRequest request = GetSecretValueRequest.builder()
        .secretId(name).versionId(versionId).versionStage(stageLabel).build();
    GetSecretValueResponse r;
    try {
      r = client().getSecretValue(request);
    } catch (SdkException e) {
      throw AwsErrors.map(e, name, AwsErrors.GET, id);
    }
    return record(name, r.versionId(), r.secretString(), r.secretBinary(), r.createdDate(),
        r.hasVersionStages() ? r.versionStages() : List.of(), r.arn());
  }

  @Override
  public Map<String, SecretRecord> fetchAll(Set<String> names) {
    names.forEach(SecretNames::validate);
    Map<String, SecretRecord> out = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(names);
    int done = 0;
    if (stage.equals(AWSCURRENT)) {
      for (; done < all.size() && batchAllowed.get(); done += BATCH_SIZE) {
        List<String> chunk = all.subList(done, Math.min(all.size(), done + BATCH_SIZE));
        if (!batch(chunk, out)) {
          break;
        }
      }
    }
    for (String name : all.subList(Math.min(done, all.size()), all.size())) {
      try {
        out.put(name, fetch(name));
      } catch (SecretNotFoundException e) {
        // absent from the result
      }
    }
    return out;
  }

  /** Reads one chunk; false when the role may not call BatchGetSecretValue at all. */
  private boolean batch(List<String> chunk, Map<String, SecretRecord> out) {
    List<APIErrorType> failures = new ArrayList<>();
    String token = null;
    do {
      String nextToken = token;
      BatchGetSecretValueResponse r;
      try {
        r = client().batchGetSecretValue(b -> b.secretIdList(chunk).nextToken(nextToken));
      } catch (SdkException e) {
        RuntimeException mapped = AwsErrors.map(e, String.join(",", chunk), AwsErrors.BATCH_GET, id);
        if (mapped instanceof SecretAccessDeniedException && batchAllowed.compareAndSet(true, false)) {
          LOG.info("Provider {}: BatchGetSecretValue was denied; reading secrets one GetSecretValue at a time from"
              + " now on. Grant secretsmanager:BatchGetSecretValue to read up to 20 secrets in one call.", id);
          return false;
        }
        throw mapped;
      }
      for (SecretValueEntry e : r.secretValues()) {
        String key = chunk.contains(e.name()) ? e.name() : chunk.contains(e.arn()) ? e.arn() : e.name();
        out.put(key, record(key, e.versionId(), e.secretString(), e.secretBinary(), e.createdDate(),
            e.hasVersionStages() ? e.versionStages() : List.of(), e.arn()));
      }
      for (APIErrorType error : r.errors()) {
        SecretsException mapped = AwsErrors.byCode(error.errorCode(), -1, error.message(), error.secretId(),
            AwsErrors.GET, id, null);
        if (!(mapped instanceof SecretNotFoundException)) {
          failures.add(error);
        }
      }
      token = r.nextToken();
    } while (token != null && !token.isEmpty());
    if (!failures.isEmpty()) {
      APIErrorType first = failures.get(0);
      SecretsException e = AwsErrors.byCode(first.errorCode(), -1, first.message(), first.secretId(),
          AwsErrors.GET, id, null);
      if (failures.size() > 1) {
        e.addSuppressed(new SecretsException((failures.size() - 1) + " more secret(s) of the same batch failed: "
            + failures.stream().skip(1).map(f -> f.secretId() + " (" + f.errorCode() + ")").toList()));
      }
      throw e;
    }
    return true;
  }

  /** Writes {@code value} as the new {@code AWSCURRENT} version (staged: pending, then promoted). */
  @Override
  public SecretRecord put(String name, byte[] value) {
    SecretRecord pending = putPending(name, value, UUID.randomUUID().toString());
    promote(name, pending.versionId());
    try {
      client().updateSecretVersionStage(b -> b.secretId(name).versionStage(AWSPENDING)
          .removeFromVersionId(pending.versionId()));
    } catch (SdkException e) {
      throw AwsErrors.map(e, name, AwsErrors.UPDATE_STAGE, id);
    }
    return new SecretRecord(name, pending.versionId(), pending.value(), pending.createdOn(), null,
        Map.of("stages", AWSCURRENT));
  }

  /**
   * {@code PutSecretValue} labelled {@code AWSPENDING}: the new version is stored but nobody reading
   * {@code AWSCURRENT} sees it yet. {@code clientRequestToken} (32 to 64 characters) becomes the
   * version id and makes the call idempotent: repeating it with the same value is harmless.
   *
   * @throws SecretsException when the value is over {@value #MAX_VALUE_BYTES} bytes (before any call)
   */
  public SecretRecord putPending(String name, byte[] value, String clientRequestToken) {
    SecretNames.validate(name);
    if (value.length > MAX_VALUE_BYTES) {
      throw new SecretsException("The new value for secret '" + name + "' is " + value.length + " bytes; AWS"
          + " Secrets Manager stores at most " + MAX_VALUE_BYTES + " bytes per version. Nothing was written:"
          + " store a reference (for example an S3 object key) or split the value.");
    }
    PutSecretValueRequest.Builder request = PutSecretValueRequest.builder()
        .secretId(name).clientRequestToken(clientRequestToken).versionStages(AWSPENDING);
    String text = Utf8.textOrNull(value);
    if (text != null) {
      request.secretString(text);
    } else {
      request.secretBinary(SdkBytes.fromByteArray(value));
    }
    PutSecretValueResponse r;
    try {
      r = client().putSecretValue(request.build());
    } catch (SdkException e) {
      throw AwsErrors.map(e, name, AwsErrors.PUT, id);
    }
    return new SecretRecord(name, r.versionId(), value.clone(), null, null,
        Map.of("stages", String.join(",", r.hasVersionStages() ? r.versionStages() : List.of(AWSPENDING))));
  }

  /**
   * Makes {@code versionId} the {@code AWSCURRENT} version; Secrets Manager moves
   * {@code AWSPREVIOUS} to the version that was current. Idempotent: a no-op when it already is.
   * Reads the current version id with {@code GetSecretValue} (no {@code DescribeSecret} needed).
   */
  public void promote(String name, String versionId) {
    SecretNames.validate(name);
    String current;
    try {
      current = get(name, null, AWSCURRENT).versionId();
    } catch (SecretNotFoundException e) {
      current = null; // a secret without a current version yet
    }
    moveCurrent(name, versionId, current);
  }

  /**
   * {@code UpdateSecretVersionStage} moving AWSCURRENT from {@code currentVersionId} to
   * {@code versionId}: refused by Secrets Manager when {@code currentVersionId} no longer holds
   * AWSCURRENT, which becomes {@link RotationConflictException} naming the version that does.
   */
  void moveCurrent(String name, String versionId, String currentVersionId) {
    if (versionId.equals(currentVersionId)) {
      return;
    }
    try {
      client().updateSecretVersionStage(b -> b.secretId(name).versionStage(AWSCURRENT)
          .moveToVersionId(versionId).removeFromVersionId(currentVersionId));
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      if ("InvalidParameterException".equals(code) && currentVersionId != null) {
        String holder = currentVersionOrNull(name);
        if (holder != null && !holder.equals(currentVersionId)) {
          throw conflict(name, currentVersionId, holder, AwsErrors.map(e, name, AwsErrors.UPDATE_STAGE, id));
        }
      }
      throw AwsErrors.map(e, name, AwsErrors.UPDATE_STAGE, id);
    } catch (SdkException e) {
      throw AwsErrors.map(e, name, AwsErrors.UPDATE_STAGE, id);
    }
  }

  // ------------------------------------------------------------------ rotation: staging SPI

  /** Staging is supported: {@code AWSPENDING} and a compare-and-set move of {@code AWSCURRENT}. */
  @Override
  public boolean supportsStaging() {
    return true;
  }

  @Override
  public SecretRecord fetchStage(String name, VersionStage stage) {
    Objects.requireNonNull(stage, "stage");
    SecretNames.validate(name);
    return switch (stage) {
      case CURRENT -> get(name, null, AWSCURRENT);
      case PREVIOUS -> get(name, null, AWSPREVIOUS);
      case PENDING -> {
        SecretRecord p = get(name, null, AWSPENDING);
        if (List.of(p.metadata().getOrDefault("stages", "").split(",")).contains(AWSCURRENT)) {
          java.util.Arrays.fill(p.value(), (byte) 0);
          throw new SecretNotFoundException("Secret '" + name + "' has no pending version in provider " + id
              + " (AWSPENDING is on the current version: the last rotation finished).");
        }
        yield p;
      }
    };
  }

  @Override
  public SecretRecord stage(String name, String expectedCurrentVersionId, byte[] value) {
    SecretNames.validate(name);
    Objects.requireNonNull(expectedCurrentVersionId, "expectedCurrentVersionId");
    Objects.requireNonNull(value, "value");
    SecretRecord current = get(name, null, AWSCURRENT);
    java.util.Arrays.fill(current.value(), (byte) 0);
    if (!current.versionId().equals(expectedCurrentVersionId)) {
      throw conflict(name, expectedCurrentVersionId, current.versionId(), null);
    }
    return putPending(name, value, UUID.randomUUID().toString());
  }

  @Override
  public SecretRecord promote(String name, String pendingVersionId, String expectedCurrentVersionId) {
    SecretNames.validate(name);
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    Objects.requireNonNull(expectedCurrentVersionId, "expectedCurrentVersionId");
    moveCurrent(name, pendingVersionId, expectedCurrentVersionId);
    try {
      client().updateSecretVersionStage(b -> b.secretId(name).versionStage(AWSPENDING)
          .removeFromVersionId(pendingVersionId));
    } catch (SdkException e) {
      LOG.warn("Secret '{}' was promoted to version {} but AWSPENDING could not be taken off it ({}); it is"
          + " read as no pending version", name, pendingVersionId, e.getClass().getSimpleName());
    }
    return get(name, pendingVersionId, null);
  }

  @Override
  public void discardPending(String name, String pendingVersionId) {
    SecretNames.validate(name);
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    try {
      client().updateSecretVersionStage(b -> b.secretId(name).versionStage(AWSPENDING)
          .removeFromVersionId(pendingVersionId));
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      if ("InvalidParameterException".equals(code) || "ResourceNotFoundException".equals(code)) {
        return; // the label is not on that version any more: nothing to discard
      }
      throw AwsErrors.map(e, name, AwsErrors.UPDATE_STAGE, id);
    } catch (SdkException e) {
      throw AwsErrors.map(e, name, AwsErrors.UPDATE_STAGE, id);
    }
  }

  private String currentVersionOrNull(String name) {
    try {
      SecretRecord now = get(name, null, AWSCURRENT);
      java.util.Arrays.fill(now.value(), (byte) 0);
      return now.versionId();
    } catch (SecretsException e) {
      return null;
    }
  }

  private RotationConflictException conflict(String name, String expected, String holder, Throwable cause) {
    return new RotationConflictException("Secret '" + name + "' (provider " + id + "): AWSCURRENT is on version "
        + holder + ", not the expected " + expected + ": another writer promoted a version first, so nothing"
        + " was changed. Read the current value and rotate again if needed.", cause);
  }

  /**
   * Before a CRaC / SnapStart checkpoint: closes the SDK client, which drops its HTTP connections,
   * and the default credential chain it owns, which drops the credentials it cached (the
   * function's role session). The next call builds a new client whose chain resolves the restored
   * environment's credentials. A call running meanwhile may fail with a transient error, which the
   * portable client retries.
   */
  @Override
  public void beforeCheckpoint() {
    dropSdk();
  }

  /** Forgets the SDK client, then closes it outside the lock. */
  private void dropSdk() {
    Sdk s;
    synchronized (sdkLock) {
      s = sdk;
      sdk = null;
    }
    if (s != null) {
      s.close();
    }
  }

  /** Whether an SDK client (with its connections and credentials) is alive; false after a checkpoint. */
  boolean hasLiveClient() {
    return sdk != null;
  }

  /** How many SDK clients this provider has built, for tests. */
  int sdkBuilds() {
    return sdkBuilds.get();
  }

  /** Closes the SDK client (and the default credential chain it owns). Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      dropSdk();
    }
  }

  @Override
  public String toString() {
    return "AwsSecretProvider[" + id + ", stage=" + stage + "]";
  }

  private static SecretRecord record(String name, String versionId, String text, SdkBytes binary,
      Instant createdOn, List<String> stages, String arn) {
    byte[] value;
    if (text != null) {
      value = text.getBytes(StandardCharsets.UTF_8);
    } else if (binary != null) {
      value = binary.asByteArray();
    } else {
      throw new SecretNotFoundException("Secret '" + name + "' version " + versionId
          + " holds neither SecretString nor SecretBinary.");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("stages", String.join(",", stages));
    if (arn != null) {
      metadata.put("arn", arn);
    }
    return new SecretRecord(name, versionId, value, createdOn, null, metadata);
  }
}
