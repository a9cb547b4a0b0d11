package io.secretsbroker.spi;

import io.secretsbroker.RotationConflictException;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.VersionStage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A driver for one secret store. It translates calls and errors, nothing more: caching, retries,
 * circuit breaking, allowlists and audit live in the portable layer ({@code SecretsClient}).
 *
 * <p><b>Names</b> reach a provider already validated by {@link SecretNames#validate(String)} and
 * already mapped to the provider-side name (environment prefix applied).
 *
 * <p><b>Errors</b> are always mapped onto the {@link SecretsException} taxonomy: not-found onto
 * {@link SecretNotFoundException}, permission problems onto
 * {@link io.secretsbroker.SecretAccessDeniedException}, transient failures (throttling, 5xx,
 * timeouts, I/O) onto {@link io.secretsbroker.ProviderUnavailableException} (the only type the
 * client retries), bad input onto {@link io.secretsbroker.ConfigurationException} or
 * {@link SecretsException}. No SDK exception escapes a provider, and no message carries a value.
 *
 * <p><b>Threads</b>: implementations are safe for concurrent use; the client calls them from
 * several threads at once and never under a lock.
 */
public interface SecretProvider extends AutoCloseable {

  /** A short, human name for messages and metrics: {@code aws}, {@code azure:my-vault}. */
  default String id() {
    return getClass().getSimpleName();
  }

  /** The current version of a secret. */
  SecretRecord fetch(String name);

  /**
   * One specific version. Providers without versions support only the current one: they return it
   * when {@code versionId} matches and throw {@link SecretNotFoundException} otherwise.
   */
  default SecretRecord fetchVersion(String name, String versionId) {
    SecretRecord current = fetch(name);
    if (versionId == null || versionId.equals(current.versionId())) {
      return current;
    }
    throw new SecretNotFoundException(
        "Secret '" + name + "' has no version '" + versionId + "' in provider " + id()
            + " (it keeps only the current version).");
  }

  /**
   * The current version of several secrets, in as few round trips as the store allows. The result
   * holds an entry for each name found; a name that does not exist is simply absent. Any other
   * per-name failure is thrown.
   */
  default Map<String, SecretRecord> fetchAll(Set<String> names) {
    Map<String, SecretRecord> out = new LinkedHashMap<>();
    for (String name : names) {
      try {
        out.put(name, fetch(name));
      } catch (SecretNotFoundException e) {
        // absent from the result
      }
    }
    return out;
  }

  /**
   * Writes {@code value} as the new current version and returns it. Read-only providers throw
   * {@link SecretsException} saying so.
   */
  default SecretRecord put(String name, byte[] value) {
    throw new SecretsException(
        "Provider " + id() + " is read-only: secret '" + name + "' cannot be written through it.");
  }

  // ------------------------------------------------------------------ rotation: stage, promote (CAS)

  /**
   * Whether this store can hold a pending candidate beside the current version and promote it with
   * a compare-and-set ({@link #stage}, {@link #promote}, {@link #discardPending}). The portable
   * rotation refuses to run on a provider that cannot: it never falls back to a blind write.
   */
  default boolean supportsStaging() {
    return false;
  }

  /**
   * The version of {@code name} in {@code stage}. The default knows only {@link VersionStage#CURRENT}.
   * A {@link VersionStage#PENDING} record should carry, where the store can keep it, the metadata
   * entry {@code stagedFrom} = the current version it was staged from: the portable rotation then
   * resumes a left-over candidate only if that version is still current, and discards it otherwise.
   *
   * @throws SecretNotFoundException when the store has no version in that stage
   */
  default SecretRecord fetchStage(String name, VersionStage stage) {
    if (stage == VersionStage.CURRENT) {
      return fetch(name);
    }
    throw new SecretNotFoundException("Secret '" + name + "' has no " + stage + " version in provider " + id()
        + " (it keeps only the current version).");
  }

  /**
   * Stores {@code value} durably as the pending candidate of {@code name}, only if its current
   * version is still {@code expectedCurrentVersionId}. Readers of the current version never see it;
   * {@link #fetchStage}{@code (name, PENDING)} does. An earlier pending candidate is replaced.
   *
   * @return the pending version (its {@code versionId} is what {@link #promote} takes)
   * @throws SecretNotFoundException when {@code name} does not exist (staging never creates a secret)
   * @throws RotationConflictException when the current version is no longer the expected one
   */
  default SecretRecord stage(String name, String expectedCurrentVersionId, byte[] value) {
    throw cannotStage(name);
  }

  /**
   * Makes the pending version {@code pendingVersionId} current, only if the current version is still
   * {@code expectedCurrentVersionId} (compare-and-set); the replaced version becomes
   * {@link VersionStage#PREVIOUS}.
   *
   * @return the new current version
   * @throws RotationConflictException naming the version that holds current when the
   *     compare-and-set fails; nothing is changed then
   */
  default SecretRecord promote(String name, String pendingVersionId, String expectedCurrentVersionId) {
    throw cannotStage(name);
  }

  /**
   * Drops the pending candidate {@code pendingVersionId} if it is still pending; the current
   * version is untouched. Idempotent: a candidate that is gone or was promoted is left alone.
   */
  default void discardPending(String name, String pendingVersionId) {
    throw cannotStage(name);
  }

  private RotationFailedException cannotStage(String name) {
    return new RotationFailedException("Provider " + id() + " cannot stage a pending version of secret '" + name
        + "' and promote it with a compare-and-set, so it cannot rotate it safely; nothing was written."
        + " Rotate it with the store's own tooling, or use a provider that supports staging.");
  }

  // ------------------------------------------------------------------ snapshot lifecycle (CRaC, SnapStart)

  /**
   * Called before a CRaC / AWS Lambda SnapStart checkpoint, after the client has wiped its cache:
   * drop everything this provider holds that is a secret or a credential, so none of it is written
   * into the snapshot (which every clone then shares): login tokens and their renewal state, cached
   * cloud credentials and access tokens, values it keeps, and open HTTP connections (a connection
   * restored into a clone is dead or, worse, shared). The provider stays usable: the next call after
   * {@link #afterRestore} logs in or fetches credentials again, with the restored environment's
   * identity. Should be quick (forgetting needs no network call; a best-effort revocation bounded
   * by the provider's own timeout, as Vault's, is fine) and must not throw; a call running
   * concurrently may fail with a transient error, which the client retries.
   *
   * <p>The default does nothing: right for a provider that holds no credentials or connections.
   */
  default void beforeCheckpoint() {}

  /**
   * Called after a restore from a checkpoint, before the application's next read where the runtime
   * allows. A provider may re-arm state here (timers, background renewal); it should not log in
   * eagerly unless that is cheap, because the first read does it anyway. Must not throw.
   *
   * <p>The default does nothing.
   */
  default void afterRestore() {}

  /** Releases connections and leases. Idempotent. */
  @Override
  default void close() {}
}
