package io.secretsbroker.ssm;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.SecretFormatException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import io.secretsbroker.spi.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.SsmClientBuilder;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The AWS SSM Parameter Store driver: one {@link SsmClient} (AWS SDK v2, JDK
 * {@code HttpURLConnection} transport, SDK retries off because the portable client retries),
 * built once and closed with this provider.
 *
 * <ul>
 *   <li><b>Names</b>: {@code prod/db} (what {@code db} becomes with {@code secrets.env=prod}) is the
 *       parameter {@code /prod/db}; a name without {@code /} stays flat. See {@code SsmNames}.
 *   <li>{@link #fetch} is one {@code GetParameter} with {@code WithDecryption=true}. The version id
 *       is Parameter Store's version number ({@code "3"}). All three types are read as text:
 *       {@code String} and {@code SecureString} as stored, a {@code StringList} as its
 *       comma-joined list ({@code a,b,c}), exactly as Parameter Store returns it.
 *       {@link SecretRecord#metadata()} holds {@code type} and {@code arn}.
 *   <li>{@link #fetchVersion} takes a version number ({@code 3}) or a label ({@code current}) and
 *       reads the selector {@code /prod/db:3}; {@code pending:N} reads version N of the candidate.
 *   <li>{@link #fetchAll} is {@code GetParameters} in batches of {@value #BATCH_SIZE} (its limit); a
 *       name Parameter Store lists as invalid (missing) is absent from the result.
 *   <li><b>Rotation</b> ({@link #supportsStaging()} is true): the candidate lives in a sibling
 *       parameter {@code /prod/db.pending} ({@code SecureString}), so nobody reading
 *       {@code /prod/db} (this client, the Lambda extension, Powertools, Spring Cloud AWS) ever
 *       sees it. {@link #stage} writes it after checking the current version; {@link #promote}
 *       copies it onto the parameter with {@code PutParameter Overwrite=true} after checking the
 *       current version again, verifies from the returned version number that no other write
 *       slipped in between (versions grow by exactly one per write), and deletes the sibling.
 *       Parameter Store has no conditional write, so the check and the write are two calls; what
 *       that means is documented on {@link #promote} and in {@code docs/providers.md}.
 *       {@link VersionStage#PREVIOUS} is the version before the current one.
 * </ul>
 *
 * <p><b>Failures</b>: every SDK error is mapped ({@code SsmErrors}): {@code ParameterNotFound} and
 * {@code ParameterVersionNotFound} to {@link SecretNotFoundException}; {@code AccessDeniedException},
 * bad credentials and KMS failures (denied, disabled key) to
 * {@link io.secretsbroker.SecretAccessDeniedException} naming the IAM action or the key permission;
 * throttling, 5xx, timeouts and I/O to {@link io.secretsbroker.ProviderUnavailableException} with
 * the retry hint. Names outside Parameter Store's alphabet are refused before any call with
 * {@link io.secretsbroker.InvalidSecretNameException}; values that are not UTF-8 text, or longer
 * than {@value #MAX_VALUE_BYTES} bytes, are refused before any write with
 * {@link SecretFormatException}. No message contains a value.
 *
 * <p><b>Threads</b>: safe for concurrent use (the SDK client is thread-safe; the only other
 * mutable state is the closed flag). {@link #close} is idempotent; calls after it throw
 * {@link SecretsException}.
 */
public final class SsmSecretProvider implements SecretProvider {
  /** Parameter Store's limit on names in one {@code GetParameters}. */
  public static final int BATCH_SIZE = 10;
  /** Parameter Store's limit on one value (advanced tier; the standard tier stores 4 KB). */
  public static final int MAX_VALUE_BYTES = 8192;

  private static final Logger LOG = LoggerFactory.getLogger(SsmSecretProvider.class);

  private final SsmClient client;
  private final SdkAutoCloseable ownedCredentials;
  private final String kmsKey;
  private final String id;
  private final AtomicBoolean closed = new AtomicBoolean();

  SsmSecretProvider(SsmClient client, SdkAutoCloseable ownedCredentials, String kmsKey, String id) {
    this.client = client;
    this.ownedCredentials = ownedCredentials;
    this.kmsKey = kmsKey;
    this.id = id;
  }

  /**
   * A provider for an {@code ssm://} URI, as {@link SsmSecretProviderFactory} makes it; for code that
   * wants the type itself (for example {@link #kmsKey}) or a provider outside a
   * {@code SecretsClient}.
   *
   * @throws ConfigurationException when the URI is invalid
   */
  public static SsmSecretProvider fromUri(String uri) {
    return create(SsmSettings.parse(io.secretsbroker.spi.ProviderUri.parse(uri)), null);
  }

  /**
   * Builds the SDK client. {@code credentials} null means the default chain (owned and closed
   * here); tests pass static credentials.
   *
   * @throws ConfigurationException when no region can be resolved or the client cannot be built
   */
  static SsmSecretProvider create(SsmSettings settings, AwsCredentialsProvider credentials) {
    String region = settings.region() != null ? settings.region() : defaultRegion();
    SdkAutoCloseable owned = null;
    AwsCredentialsProvider creds = credentials;
    if (creds == null) {
      DefaultCredentialsProvider defaultChain = DefaultCredentialsProvider.builder().build();
      creds = defaultChain;
      owned = defaultChain;
    }
    SsmClientBuilder builder = SsmClient.builder()
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
    SsmClient client;
    try {
      client = builder.build();
    } catch (SdkException e) {
      if (owned != null) {
        owned.close();
      }
      throw new ConfigurationException("Could not build the AWS SSM client for region '" + region + "': "
          + e.getMessage() + " Check the region and endpoint parameters of secrets.provider.", e);
    }
    String id = "ssm:" + region + (settings.endpoint() == null ? "" : "@" + settings.endpoint().getAuthority());
    return new SsmSecretProvider(client, owned, settings.kmsKey(), id);
  }

  private static String defaultRegion() {
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
    } catch (SdkException e) {
      throw new ConfigurationException("No AWS region is configured: set it in secrets.provider, e.g."
          + " ssm://?region=eu-west-1 (Lambda sets AWS_REGION itself; locally set AWS_REGION or a profile"
          + " region).", e);
    }
  }

  @Override
  public String id() {
    return id;
  }

  /** The configured KMS key for {@code SecureString} writes, or null for the account default. */
  public String kmsKey() {
    return kmsKey;
  }

  // ------------------------------------------------------------------ reads

  @Override
  public SecretRecord fetch(String name) {
    String parameter = SsmNames.parameterName(name);
    return record(name, get(name, parameter, parameter, true));
  }

  /**
   * One version by number ({@code "3"}) or by label ({@code "current"}); {@code pending:N} is
   * version N of the staged candidate. Null means {@link #fetch}.
   *
   * @throws SecretNotFoundException when the version or label does not exist (or cannot exist)
   */
  @Override
  public SecretRecord fetchVersion(String name, String versionId) {
    if (versionId == null) {
      return fetch(name);
    }
    String parameter = SsmNames.parameterName(name);
    long pending = SsmNames.pendingVersion(versionId);
    if (pending > 0) {
      String sibling = SsmNames.pendingName(name);
      return pendingRecord(name, get(name, sibling, sibling + ":" + pending, true));
    }
    return record(name, get(name, parameter, SsmNames.selector(name, parameter, versionId), true));
  }

  @Override
  public Map<String, SecretRecord> fetchAll(Set<String> names) {
    Objects.requireNonNull(names, "names");
    Map<String, String> byParameter = new LinkedHashMap<>();
    for (String name : names) {
      byParameter.put(SsmNames.parameterName(name), name);
    }
    Map<String, SecretRecord> out = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(byParameter.keySet());
    for (int from = 0; from < all.size(); from += BATCH_SIZE) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + BATCH_SIZE));
      checkOpen(byParameter.get(chunk.get(0)));
      GetParametersResponse r;
      try {
        r = client.getParameters(b -> b.names(chunk).withDecryption(true));
      } catch (SdkException e) {
        List<String> ours = chunk.stream().map(byParameter::get).toList();
        throw SsmErrors.map(e, String.join(",", ours), String.join(",", chunk), SsmErrors.GET_BATCH, kmsKey, id);
      }
      for (Parameter p : r.parameters()) {
        String name = byParameter.get(p.name());
        if (name == null) {
          throw new SecretsException("AWS SSM Parameter Store answered GetParameters with parameter '" + p.name()
              + "', which was not asked for (provider " + id + "). Nothing was cached; check the endpoint.");
        }
        out.put(name, record(name, p));
      }
      // r.invalidParameters(): names Parameter Store does not have; absent from the result
    }
    return out;
  }

  /**
   * {@link VersionStage#CURRENT} is {@link #fetch}; {@link VersionStage#PREVIOUS} is the version
   * numbered one below the current one (two {@code GetParameter} calls); {@link VersionStage#PENDING}
   * is the latest version of the candidate parameter {@code <name>.pending}.
   *
   * @throws SecretNotFoundException when there is no version in that stage
   */
  @Override
  public SecretRecord fetchStage(String name, VersionStage stage) {
    Objects.requireNonNull(stage, "stage");
    String parameter = SsmNames.parameterName(name);
    return switch (stage) {
      case CURRENT -> fetch(name);
      case PREVIOUS -> {
        long current = get(name, parameter, parameter, false).version();
        if (current <= 1) {
          throw new SecretNotFoundException("Secret '" + name + "' (parameter " + parameter + ", provider " + id
              + ") has no PREVIOUS version: its current version is the first.");
        }
        yield record(name, get(name, parameter, parameter + ":" + (current - 1), true));
      }
      case PENDING -> {
        String sibling = SsmNames.pendingName(name);
        yield pendingRecord(name, get(name, sibling, sibling, true));
      }
    };
  }

  // ------------------------------------------------------------------ writes

  /**
   * Writes {@code value} as the new current version ({@code PutParameter Overwrite=true}), keeping
   * the parameter's type; a new parameter is a {@code SecureString} under the configured key. This
   * is a plain write, not a rotation: use the staged protocol for that.
   */
  @Override
  public SecretRecord put(String name, byte[] value) {
    String parameter = SsmNames.parameterName(name);
    String text = requireText(name, value);
    ParameterType type;
    try {
      type = get(name, parameter, parameter, false).type();
    } catch (SecretNotFoundException e) {
      type = ParameterType.SECURE_STRING;
    }
    long version = write(name, parameter, text, type, "Written by Secrets Broker");
    return new SecretRecord(name, Long.toString(version), value.clone(), null, null,
        Map.of("type", type.toString()));
  }

  @Override
  public boolean supportsStaging() {
    return true;
  }

  /**
   * Checks that the current version of {@code name} is {@code expectedCurrentVersionId}, then writes
   * {@code value} as the latest version of the sibling parameter {@code <name>.pending}
   * ({@code SecureString}, {@code Overwrite=true}, replacing an earlier candidate). The parameter
   * itself is not touched. The check and the write are two calls: a write to the parameter in
   * between is caught by {@link #promote}, which checks again.
   *
   * @return the candidate, with version id {@code pending:N}
   * @throws SecretNotFoundException when the parameter does not exist
   * @throws RotationConflictException when its current version is another one
   */
  @Override
  public SecretRecord stage(String name, String expectedCurrentVersionId, byte[] value) {
    Objects.requireNonNull(expectedCurrentVersionId, "expectedCurrentVersionId");
    String parameter = SsmNames.parameterName(name);
    String text = requireText(name, value);
    Parameter current = get(name, parameter, parameter, false);
    requireCurrent(name, parameter, current, expectedCurrentVersionId, "staged");
    String sibling = SsmNames.pendingName(name);
    long version = write(name, sibling, text, ParameterType.SECURE_STRING,
        "Secrets Broker rotation candidate for " + parameter + ", staged on version " + expectedCurrentVersionId);
    return new SecretRecord(name, SsmNames.PENDING_VERSION_PREFIX + version, value.clone(), null, null,
        Map.of("stage", VersionStage.PENDING.name(), "type", ParameterType.SECURE_STRING.toString(),
            "stagedOn", expectedCurrentVersionId));
  }

  /**
   * Makes the candidate {@code pendingVersionId} current: checks that it is still the latest
   * candidate and that the parameter's current version is still {@code expectedCurrentVersionId},
   * writes the candidate onto the parameter ({@code PutParameter Overwrite=true}, keeping the
   * parameter's type), then deletes the candidate parameter.
   *
   * <p><b>Atomicity</b>: Parameter Store has no conditional write, so the check and the write are
   * two calls. A write by someone else between them is detected exactly: the write returns the new
   * version number, which is {@code expected + 1} only when nobody else wrote. If somebody did, the
   * driver writes their value back on top (so the other writer's value holds current, as if it had
   * come last), keeps the candidate pending and throws {@link RotationConflictException}; readers
   * may have seen the candidate for the duration of one call. When the conflict is found by the
   * first check, nothing is written. Idempotent: repeated after a lost answer (the current version
   * is {@code expected + 1} and holds the candidate's value), it completes instead of reporting
   * its own write as a conflict.
   *
   * @return the new current version
   * @throws RotationConflictException when the current version is not the expected one, or the
   *     candidate was replaced by a newer one
   * @throws SecretNotFoundException when the candidate no longer exists
   * @throws RotationFailedException when the conflict repair itself failed (the message says what
   *     holds current)
   */
  @Override
  public SecretRecord promote(String name, String pendingVersionId, String expectedCurrentVersionId) {
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    Objects.requireNonNull(expectedCurrentVersionId, "expectedCurrentVersionId");
    String parameter = SsmNames.parameterName(name);
    String sibling = SsmNames.pendingName(name);
    long pending = requirePendingId(name, pendingVersionId);
    Parameter candidate;
    try {
      candidate = get(name, sibling, sibling, true);
    } catch (SecretNotFoundException gone) {
      // another rotator discarded or promoted it: a lost race, named by what is current now
      Parameter current = get(name, parameter, parameter, false);
      throw new RotationConflictException("The rotation candidate " + pendingVersionId + " of secret '" + name
          + "' (provider " + id + ") is gone: another rotation discarded or promoted it. The current version is "
          + current.version() + " (this rotation started from " + expectedCurrentVersionId + "). Nothing was"
          + " changed.", gone);
    }
    if (candidate.version() != pending) {
      throw new RotationConflictException("The rotation candidate " + pendingVersionId + " of secret '" + name
          + "' (provider " + id + ") was replaced by a newer one (" + SsmNames.PENDING_VERSION_PREFIX
          + candidate.version() + "); another rotation is under way. Nothing was changed.");
    }
    Parameter current = get(name, parameter, parameter, false);
    long written;
    if (alreadyPromoted(name, parameter, current, candidate, expectedCurrentVersionId)) {
      written = current.version(); // a repeated call after a lost answer: the write is done
    } else {
      requireCurrent(name, parameter, current, expectedCurrentVersionId, "promoted");
      long expected = current.version();
      written = write(name, parameter, candidate.value(), current.type(),
          "Promoted by Secrets Broker from " + SsmNames.PENDING_VERSION_PREFIX + pending);
      if (written != expected + 1) {
        repairAfterRace(name, parameter, expected, written);
      }
    }
    deleteQuietly(name, sibling);
    byte[] value = candidate.value().getBytes(StandardCharsets.UTF_8);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("type", current.type().toString());
    if (current.arn() != null) {
      metadata.put("arn", current.arn());
    }
    return new SecretRecord(name, Long.toString(written), value, null, null, metadata);
  }

  /**
   * Whether this promotion already happened: the current version is the one right after
   * {@code expected} and holds the candidate's value (a retry after the answer to our write was
   * lost, or after the candidate's deletion failed). Makes {@link #promote} idempotent instead of
   * reporting our own write as a conflict.
   */
  private boolean alreadyPromoted(String name, String parameter, Parameter current, Parameter candidate,
      String expected) {
    if (!SsmNames.isVersionNumber(expected) || current.version() != Long.parseLong(expected) + 1) {
      return false;
    }
    Parameter decrypted = get(name, parameter, parameter + ":" + current.version(), true);
    return decrypted.value().equals(candidate.value());
  }

  /** Versions {@code expected+1 .. written-1} were written by someone else: put the latest of them back on top. */
  private void repairAfterRace(String name, String parameter, long expected, long written) {
    long theirs = written - 1;
    String where = "secret '" + name + "' (parameter " + parameter + ", provider " + id + ")";
    long restored;
    try {
      Parameter other = get(name, parameter, parameter + ":" + theirs, true);
      restored = write(name, parameter, other.value(), other.type(),
          "Restored by Secrets Broker: version " + theirs + " was written during a promotion");
    } catch (SecretsException e) {
      throw new RotationFailedException("While promoting the rotation candidate of " + where + ", another writer"
          + " wrote version " + theirs + " between the check of version " + expected + " and the write, so the"
          + " candidate became version " + written + " on top of it; writing version " + theirs + "'s value back"
          + " failed (" + e.getClass().getSimpleName() + "). The candidate holds current: check the parameter's"
          + " history (aws ssm get-parameter-history) and put the right value back by hand.", e);
    }
    throw new RotationConflictException("Another writer wrote version " + theirs + " of " + where + " while the"
        + " rotation candidate was being promoted from version " + expected + ". Its value was written back as"
        + " version " + restored + " and holds current; the candidate stays pending. Rotate again from the new"
        + " current version.");
  }

  /**
   * Deletes the candidate parameter if {@code pendingVersionId} is still its latest version; a
   * newer candidate, or none, is left alone. The check and the delete are two calls: a candidate
   * staged between them is deleted too (the rotation that staged it then fails to promote, with
   * {@link SecretNotFoundException}, and nothing current changes).
   */
  @Override
  public void discardPending(String name, String pendingVersionId) {
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    String sibling = SsmNames.pendingName(name);
    long pending = requirePendingId(name, pendingVersionId);
    Parameter candidate;
    try {
      candidate = get(name, sibling, sibling, false);
    } catch (SecretNotFoundException e) {
      return;
    }
    if (candidate.version() == pending) {
      delete(name, sibling);
    }
  }

  /** Closes the SDK client (and the default credential chain it owns). Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      client.close();
      if (ownedCredentials != null) {
        ownedCredentials.close();
      }
    }
  }

  @Override
  public String toString() {
    return "SsmSecretProvider[" + id + (kmsKey == null ? "" : ", kms-key=" + kmsKey) + "]";
  }

  // ------------------------------------------------------------------ calls

  /** One {@code GetParameter} of {@code selector} (a name, or name:version / name:label). */
  private Parameter get(String name, String parameter, String selector, boolean decrypt) {
    checkOpen(name);
    Parameter p;
    try {
      p = client.getParameter(b -> b.name(selector).withDecryption(decrypt)).parameter();
    } catch (SdkException e) {
      throw SsmErrors.map(e, name, parameter, SsmErrors.GET, kmsKey, id);
    }
    if (p == null || p.value() == null || p.version() == null) {
      throw new SecretsException("AWS SSM Parameter Store answered GetParameter for secret '" + name
          + "' (parameter " + parameter + ", provider " + id + ") without a value or version. Check the endpoint.");
    }
    return p;
  }

  /** {@code PutParameter Overwrite=true}; returns the new version number. */
  private long write(String name, String parameter, String text, ParameterType type, String description) {
    checkOpen(name);
    PutParameterRequest.Builder request = PutParameterRequest.builder()
        .name(parameter).value(text).type(type).overwrite(true).description(description);
    if (type == ParameterType.SECURE_STRING && kmsKey != null) {
      request.keyId(kmsKey);
    }
    Long version;
    try {
      version = client.putParameter(request.build()).version();
    } catch (SdkException e) {
      throw SsmErrors.map(e, name, parameter, SsmErrors.PUT, kmsKey, id);
    }
    if (version == null) {
      throw new SecretsException("AWS SSM Parameter Store answered PutParameter for secret '" + name
          + "' (parameter " + parameter + ", provider " + id + ") without a version. Check the endpoint.");
    }
    return version;
  }

  private void delete(String name, String parameter) {
    checkOpen(name);
    try {
      client.deleteParameter(b -> b.name(parameter));
    } catch (SdkException e) {
      SecretsException mapped = SsmErrors.map(e, name, parameter, SsmErrors.DELETE, kmsKey, id);
      if (!(mapped instanceof SecretNotFoundException)) {
        throw mapped;
      }
    }
  }

  private void deleteQuietly(String name, String parameter) {
    try {
      delete(name, parameter);
    } catch (SecretsException e) {
      LOG.warn("Provider {}: promoted secret '{}' but could not delete the candidate parameter {} ({}); it is"
          + " harmless (never read as current) and the next rotation replaces it. Grant ssm:DeleteParameter on it.",
          id, name, parameter, e.getClass().getSimpleName());
    }
  }

  private void requireCurrent(String name, String parameter, Parameter current, String expected, String verb) {
    if (!Long.toString(current.version()).equals(expected)) {
      throw new RotationConflictException("Secret '" + name + "' (parameter " + parameter + ", provider " + id
          + ") is at version " + current.version() + ", not " + expected + ": someone else changed it, so the"
          + " candidate was not " + verb + ". Nothing was changed; rotate again from the current version.");
    }
  }

  private long requirePendingId(String name, String pendingVersionId) {
    long pending = SsmNames.pendingVersion(pendingVersionId);
    if (pending < 0) {
      throw new RotationFailedException("'" + pendingVersionId + "' is not a rotation candidate of secret '" + name
          + "' in provider " + id + ": candidates have version ids of the form pending:N, as stage() returns them.");
    }
    return pending;
  }

  private static String requireText(String name, byte[] value) {
    Objects.requireNonNull(value, "value");
    if (value.length > MAX_VALUE_BYTES) {
      throw new SecretFormatException("The new value for secret '" + name + "' is " + value.length + " bytes; AWS"
          + " SSM Parameter Store stores at most " + MAX_VALUE_BYTES + " bytes (advanced tier; 4096 standard)."
          + " Nothing was written: store a reference or use AWS Secrets Manager (aws://).");
    }
    String text = Utf8.textOrNull(value);
    if (text == null) {
      throw new SecretFormatException("The new value for secret '" + name + "' is not UTF-8 text; AWS SSM"
          + " Parameter Store stores text only. Nothing was written: encode it (e.g. base64) first.");
    }
    return text;
  }

  private void checkOpen(String name) {
    if (closed.get()) {
      throw new SecretsException("Provider " + id + " is closed; secret '" + name + "' cannot be read through it."
          + " Build a new client.");
    }
  }

  private static SecretRecord record(String name, Parameter p) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("type", p.typeAsString());
    if (p.arn() != null) {
      metadata.put("arn", p.arn());
    }
    if (p.selector() != null) {
      metadata.put("selector", p.selector());
    }
    return new SecretRecord(name, String.valueOf(p.version()), p.value().getBytes(StandardCharsets.UTF_8),
        p.lastModifiedDate(), null, metadata);
  }

  private static SecretRecord pendingRecord(String name, Parameter p) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("stage", VersionStage.PENDING.name());
    metadata.put("type", p.typeAsString());
    return new SecretRecord(name, SsmNames.PENDING_VERSION_PREFIX + p.version(),
        p.value().getBytes(StandardCharsets.UTF_8), p.lastModifiedDate(), null, metadata);
  }
}
