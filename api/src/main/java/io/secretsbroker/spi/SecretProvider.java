package io.secretsbroker.spi;

import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
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

  /** Releases connections and leases. Idempotent. */
  @Override
  default void close() {}
}
