package io.secretsbroker.internal.rotate;

import io.secretsbroker.Rotation;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsException;
import io.secretsbroker.internal.cache.Entry;
import io.secretsbroker.internal.cache.SecretCache;
import io.secretsbroker.internal.observe.Audit;
import io.secretsbroker.internal.observe.Listeners;
import io.secretsbroker.internal.resilience.Resilience;
import io.secretsbroker.spi.AuditEvent.Outcome;
import io.secretsbroker.spi.AuditEvent.Type;
import io.secretsbroker.spi.SecretProvider;
import java.util.function.Supplier;

/**
 * A client's {@code rotate(name, rotation)} once the name is resolved: one rotation per name per
 * client, {@link Rotator}'s stage, apply, verify, promote (compare-and-set) through the client's
 * resilience, then the promoted version cached, the stage cache invalidated, the outcome audited
 * and announced once (the name's other announcements are held back meanwhile).
 *
 * <p>Failures: a second rotation of the same name through this client is a
 * {@link RotationFailedException}; the rotator's {@link RotationFailedException} (and its
 * {@code RotationConflictException}) and a provider's {@link SecretsException} propagate after
 * being audited. Thread-safe: per-name state is the listeners' hold set.
 */
public final class RotationFlow {
  private final Rotator rotator;
  private final SecretCache secrets;
  private final StageCache stages;
  private final Listeners listeners;
  private final Audit audit;

  public RotationFlow(SecretProvider provider, Resilience resilience, SecretCache secrets, StageCache stages,
      Listeners listeners, Audit audit) {
    this.rotator = new Rotator(provider, new Rotator.Calls() {
      @Override
      public <T> T read(Supplier<T> call) {
        return resilience.read(call);
      }

      @Override
      public <T> T write(Supplier<T> call) {
        return resilience.write(call);
      }
    });
    this.secrets = secrets;
    this.stages = stages;
    this.listeners = listeners;
    this.audit = audit;
  }

  /**
   * Rotates the resolved name.
   *
   * @param providerName the provider-side name; {@code field} the JSON field the name maps to, or null
   * @param caller the calling class when audited, else null; {@code start} the call's {@code nanoTime}
   * @return a view of the promoted value (a caller's wipe never zeroes the cached copy)
   */
  public SecretValue rotate(String name, String providerName, String field, Rotation rotation, String caller,
      long start) {
    if (!listeners.hold(name)) {
      throw new RotationFailedException("Secret '" + name + "' is already being rotated by this client;"
          + " wait for that rotation to finish.");
    }
    try {
      Rotator.Outcome done = rotator.rotate(name, providerName, field, rotation);
      Entry e = secrets.entryFor(name, field, done.promoted());
      secrets.install(name, e);
      stages.invalidate(name);
      listeners.release(name);
      audit.event(Type.ROTATION_WRITTEN, name, e.versionId(), Outcome.OK, System.nanoTime() - start, caller,
          null, "previous version " + done.previousVersionId() + (done.resumed() ? ", resumed pending" : ""));
      listeners.announce(name, e.value);
      return e.value.view();
    } catch (RotationFailedException ex) {
      stages.invalidate(name);
      audit.event(Type.ROTATION_WRITTEN, name, null, Outcome.FAILED, System.nanoTime() - start, caller,
          ex.getCause() instanceof Exception why ? why : ex, "not promoted; see the exception for what was undone");
      throw ex;
    } catch (SecretsException ex) {
      audit.event(Type.PROVIDER_FAILURE, name, null, Outcome.FAILED, System.nanoTime() - start, caller, ex,
          "rotate");
      throw ex;
    } finally {
      listeners.release(name);
    }
  }
}
