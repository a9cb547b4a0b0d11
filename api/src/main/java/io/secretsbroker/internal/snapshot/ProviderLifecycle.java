package io.secretsbroker.internal.snapshot;

import io.secretsbroker.spi.SecretProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a provider's snapshot hooks ({@link SecretProvider#beforeCheckpoint()},
 * {@link SecretProvider#afterRestore()}) on behalf of the client's CRaC resource. A hook that
 * throws despite its contract is logged (class name only: a message could carry anything) and
 * swallowed, because a failing resource aborts the whole checkpoint of the function; the client's
 * own cache has been wiped by then either way. Stateless and thread-safe.
 */
public final class ProviderLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ProviderLifecycle.class);

  private ProviderLifecycle() {}

  public static void beforeCheckpoint(SecretProvider provider) {
    try {
      provider.beforeCheckpoint();
    } catch (RuntimeException ex) {
      log.warn("Provider {} failed to drop its credentials and connections before a checkpoint ({});"
          + " they may be in the snapshot. This is a provider bug; please report it.", provider.id(),
          ex.getClass().getName());
    }
  }

  public static void afterRestore(SecretProvider provider) {
    try {
      provider.afterRestore();
    } catch (RuntimeException ex) {
      log.warn("Provider {} failed to re-arm after a restore ({}); it logs in again on the next read.",
          provider.id(), ex.getClass().getName());
    }
  }
}
