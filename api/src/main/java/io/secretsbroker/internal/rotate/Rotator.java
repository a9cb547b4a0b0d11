package io.secretsbroker.internal.rotate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.Rotation;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.Json;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portable rotation: the four steps of the AWS rotation-Lambda contract (create, set, test,
 * finish), run the same way on every store through the staging SPI of {@link SecretProvider}.
 *
 * <p>Design note.
 * <ol>
 *   <li><b>Read</b> the current version {@code v} (a missing secret is a
 *       {@link SecretNotFoundException}: creating a secret is not rotation).
 *   <li><b>Stage</b>: a pending candidate found in the store (a rotator died after staging) is
 *       resumed or discarded as {@link Rotation#pending()} says; otherwise the generator makes the
 *       candidate (for an alias field, the JSON object with that one field replaced, still a JSON
 *       object) and {@link SecretProvider#stage} stores it as pending, conditional on {@code v}.
 *       Readers of the current version never see it.
 *   <li><b>Apply</b> it on the target, then <b>verify</b> it. Either failing: the target is set
 *       back to the previous value (only where apply ran), the pending candidate is discarded, the
 *       current version is untouched, {@link RotationFailedException}.
 *   <li><b>Promote</b> with a compare-and-set on {@code v}. Lost: {@link RotationConflictException}
 *       naming the winner; the candidate is discarded and the target (where apply ran) is set to
 *       the winner's value, which is what the store now holds (setting it back to the value this
 *       rotation started from would undo the winner's rotation on the target). A promotion whose
 *       outcome is unknown (the call failed) is settled by reading the current value again.
 * </ol>
 * Nothing here writes blindly: a provider that cannot stage is refused before anything is written.
 *
 * <p>Thread-safe and stateless apart from its collaborators; concurrent rotations of one name are
 * arbitrated by the store's compare-and-set, not by this class. Messages name the secret, the
 * provider and versions, never a value; raw bytes this class read are zeroed before it returns.
 */
public final class Rotator {
  private static final Logger log = LoggerFactory.getLogger(Rotator.class);

  /**
   * The metadata key under which a store records, on a pending record, the current version it was
   * staged from. Where it is present and no longer current, a found pending candidate is never
   * resumed (it was built from a value that has been replaced since).
   */
  public static final String STAGED_FROM = "stagedFrom";

  /** How provider calls run: reads retried on transient failures, writes not; both behind the breaker. */
  public interface Calls {
    <T> T read(Supplier<T> call);

    <T> T write(Supplier<T> call);

    /** Calls straight through, for tests and tools without a resilience layer. */
    Calls DIRECT = new Calls() {
      @Override
      public <T> T read(Supplier<T> call) {
        return call.get();
      }

      @Override
      public <T> T write(Supplier<T> call) {
        return call.get();
      }
    };
  }

  /**
   * A promoted rotation.
   *
   * @param promoted the new current version (its array is the caller's, not zeroed here)
   * @param previousVersionId the version the rotation started from
   * @param resumed whether a pending candidate left by an earlier rotation was promoted
   */
  public record Outcome(SecretRecord promoted, String previousVersionId, boolean resumed) {}

  private final SecretProvider provider;
  private final String providerId;
  private final Calls calls;

  public Rotator(SecretProvider provider, Calls calls) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.providerId = provider.id();
    this.calls = Objects.requireNonNull(calls, "calls");
  }

  /**
   * Rotates one secret.
   *
   * @param name the caller's name (for messages and the values handed to the target)
   * @param providerName the provider-side name
   * @param field the JSON field an alias names, or null for the whole value
   * @throws SecretNotFoundException when the secret does not exist
   * @throws RotationConflictException when another writer promoted first
   * @throws RotationFailedException when the store cannot stage, or generate, apply or verify failed
   */
  public Outcome rotate(String name, String providerName, String field, Rotation rotation) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(providerName, "providerName");
    Objects.requireNonNull(rotation, "rotation");
    if (!provider.supportsStaging()) {
      throw new RotationFailedException("Provider " + providerId + " cannot stage a pending version of secret '"
          + name + "' and promote it with a compare-and-set, so it cannot rotate it safely; nothing was"
          + " written. Rotate it with the store's own tooling, or use a provider that supports staging.");
    }
    SecretRecord before = current(name, providerName);
    SecretRecord staged = null;
    try {
      String v = before.versionId();
      SecretValue current = SecretValue.of(name, copy(before));
      staged = resumable(name, providerName, v, rotation);
      boolean resumed = staged != null;
      if (staged == null) {
        byte[] next = candidate(name, providerName, field, current, rotation);
        try {
          staged = calls.write(() -> provider.stage(providerName, v, next));
        } finally {
          Arrays.fill(next, (byte) 0);
        }
      }
      SecretValue candidate = SecretValue.of(name, copy(staged));
      String pendingId = staged.versionId();
      boolean applied = applyAndVerify(name, providerName, rotation, current, candidate, v, pendingId);
      return new Outcome(promote(name, providerName, rotation, current, candidate, applied, v, pendingId), v,
          resumed);
    } finally {
      Arrays.fill(before.value(), (byte) 0);
      if (staged != null) {
        Arrays.fill(staged.value(), (byte) 0);
      }
    }
  }

  /** The current version the rotation starts from; a missing secret cannot be rotated. */
  private SecretRecord current(String name, String providerName) {
    try {
      return calls.read(() -> provider.fetch(providerName));
    } catch (SecretNotFoundException nf) {
      throw new SecretNotFoundException("Secret '" + name + "' does not exist in provider " + providerId
          + ", so it cannot be rotated (rotation replaces a value, it never creates one). Create it with the"
          + " store's own tooling first.", nf);
    }
  }

  /**
   * A pending version left by an earlier rotation: returned when the rotation resumes it (it was
   * staged from the current version {@code v}), else discarded (null is returned). Null when none.
   */
  private SecretRecord resumable(String name, String providerName, String v, Rotation rotation) {
    SecretRecord found = pending(providerName);
    if (found == null) {
      return null;
    }
    String from = found.metadata().get(STAGED_FROM);
    if (rotation.pending() == Rotation.Pending.RESUME && (from == null || from.equals(v))) {
      log.info("Rotation of secret '{}' resumes the pending version {} left by an earlier rotation", name,
          found.versionId());
      return found;
    }
    String stale = found.versionId();
    Arrays.fill(found.value(), (byte) 0);
    calls.write(() -> {
      provider.discardPending(providerName, stale);
      return null;
    });
    log.info("Rotation of secret '{}' discarded the pending version {} left by an earlier rotation", name,
        stale);
    return null;
  }

  /**
   * The target's apply (when there is a target) and the verify of the candidate; returns whether
   * apply ran. On failure the target gets the previous value back, the pending version is discarded
   * and a {@link RotationFailedException} names the step.
   */
  private boolean applyAndVerify(String name, String providerName, Rotation rotation, SecretValue current,
      SecretValue candidate, String v, String pendingId) {
    boolean applied = false;
    String step = "verify";
    try {
      if (rotation.hasTarget()) {
        step = "apply";
        applied = true;
        rotation.apply(candidate, current);
        step = "verify";
      }
      rotation.verify(candidate);
      return applied;
    } catch (Exception ex) {
      String target = applied ? putBack(rotation, current, candidate, ex, "the previous value") : "";
      String discarded = discard(providerName, pendingId, ex);
      log.warn("Rotation of secret '{}' failed in {} ({}); the candidate was not promoted and the current"
          + " version {} was never replaced", name, step, ex.getClass().getSimpleName(), v);
      throw new RotationFailedException("Rotation of secret '" + name + "' failed in " + step + " ("
          + ex.getClass().getSimpleName() + "): " + discarded + target + "; the current version " + v
          + " was never replaced, so nothing was lost. Fix the target and rotate again.", ex);
    }
  }

  /**
   * Promotes the pending version with a compare-and-set on {@code v}. A lost race is
   * {@link #lost}; an unknown outcome is settled by reading the current version back, and undone
   * when the candidate did not become current.
   */
  private SecretRecord promote(String name, String providerName, Rotation rotation, SecretValue current,
      SecretValue candidate, boolean applied, String v, String pendingId) {
    try {
      return calls.write(() -> provider.promote(providerName, pendingId, v));
    } catch (RotationConflictException conflict) {
      throw lost(name, providerName, rotation, current, candidate, applied, v, pendingId, conflict);
    } catch (SecretsException unknown) {
      SecretRecord promoted = settle(providerName, candidate);
      if (promoted == null) {
        String target = applied ? putBack(rotation, current, candidate, unknown, "the previous value") : "";
        String discarded = discard(providerName, pendingId, unknown);
        throw new RotationFailedException("Rotation of secret '" + name + "' could not promote the pending"
            + " version " + pendingId + " (" + unknown.getClass().getSimpleName() + "): " + discarded + target
            + "; the current version is still " + v + ". Rotate again once provider " + providerId
            + " answers.", unknown);
      }
      return promoted;
    }
  }

  /** The pending candidate, or null when there is none. */
  private SecretRecord pending(String providerName) {
    try {
      return calls.read(() -> provider.fetchStage(providerName, VersionStage.PENDING));
    } catch (SecretNotFoundException none) {
      return null;
    }
  }

  /** After a failed promote call: the current version if it holds the candidate (it was promoted), else null. */
  private SecretRecord settle(String providerName, SecretValue candidate) {
    try {
      SecretRecord now = calls.read(() -> provider.fetch(providerName));
      if (Arrays.equals(now.value(), candidate.asBytes())) {
        return now;
      }
      Arrays.fill(now.value(), (byte) 0);
    } catch (SecretsException stillFailing) {
      log.warn("Could not read secret back from {} after a failed promotion ({})", providerId,
          stillFailing.getClass().getSimpleName());
    }
    return null;
  }

  private RotationConflictException lost(String name, String providerName, Rotation rotation, SecretValue current,
      SecretValue candidate, boolean applied, String v, String pendingId, RotationConflictException conflict) {
    String discarded = discard(providerName, pendingId, conflict);
    String winner = "another version";
    SecretRecord won = null;
    try {
      won = calls.read(() -> provider.fetch(providerName));
      winner = "version " + won.versionId();
    } catch (SecretsException unreadable) {
      conflict.addSuppressed(unreadable);
    }
    String target = "";
    if (applied) {
      if (won == null) {
        target = "; the winner could not be read, so the target still holds this rotation's candidate:"
            + " set it to the current value";
      } else if (Arrays.equals(won.value(), candidate.asBytes())) {
        target = "; the target already holds the winner's value";
      } else {
        target = putBack(rotation, SecretValue.of(name, won), candidate, conflict, "the winner's value");
        won = null; // taken over by the SecretValue handed to the target
      }
    }
    if (won != null) {
      Arrays.fill(won.value(), (byte) 0);
    }
    return new RotationConflictException("Rotation of secret '" + name + "' lost a compare-and-set: " + winner
        + " became current after this rotation read version " + v + ", so its candidate was not promoted ("
        + discarded + target + "). The winner's value stays current; read it, or rotate again.", conflict);
  }

  /** Sets {@code value} on the target; returns the note for the exception message. */
  private static String putBack(Rotation rotation, SecretValue value, SecretValue candidate, Exception cause,
      String what) {
    try {
      rotation.apply(value, candidate);
      return "; the target was set back to " + what;
    } catch (Exception back) {
      cause.addSuppressed(back);
      return "; setting the target back to " + what + " also failed (" + back.getClass().getSimpleName()
          + "), so the target may still hold the rejected candidate: set it to the current value by hand";
    }
  }

  /** Discards the candidate; returns the note for the exception message. */
  private String discard(String providerName, String pendingId, Exception cause) {
    try {
      calls.write(() -> {
        provider.discardPending(providerName, pendingId);
        return null;
      });
      return "the pending version " + pendingId + " was discarded";
    } catch (SecretsException failed) {
      cause.addSuppressed(failed);
      return "the pending version " + pendingId + " could not be discarded (" + failed.getClass().getSimpleName()
          + ") and stays readable as PENDING; the next rotation resumes or discards it";
    }
  }

  /** The new value: the whole secret, or, for an alias with a field, the JSON object with that field replaced. */
  static byte[] candidate(String name, String providerName, String field, SecretValue current, Rotation rotation) {
    String next;
    try {
      next = rotation.generate(current);
    } catch (RotationFailedException ex) {
      throw ex;
    } catch (RuntimeException ex) {
      throw new RotationFailedException("The rotation generator for secret '" + name + "' threw "
          + ex.getClass().getSimpleName() + "; nothing was written.", ex);
    }
    if (field == null) {
      return next.getBytes(StandardCharsets.UTF_8);
    }
    try {
      current.field(field); // not a JSON object, or no such field
    } catch (SecretsException noField) {
      throw new RotationFailedException("Cannot rotate field '" + field + "' of secret '" + providerName + "': "
          + noField.getMessage() + " Nothing was written.", noField);
    }
    JsonNode tree;
    byte[] raw = current.asBytes();
    try {
      tree = Json.mapper().readTree(raw);
    } catch (IOException ex) {
      throw new RotationFailedException("Could not rewrite field '" + field + "' of secret '" + providerName
          + "' (not a JSON object); nothing was written.");
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
    if (!(tree instanceof ObjectNode json)) {
      throw new RotationFailedException("Secret '" + providerName + "' is not a JSON object, so field '" + field
          + "' cannot be rotated; nothing was written.");
    }
    json.put(field, next);
    try {
      return Json.mapper().writeValueAsBytes(json);
    } catch (IOException ex) {
      throw new RotationFailedException("Could not rewrite field '" + field + "' of secret '" + providerName
          + "'; nothing was written.");
    }
  }

  private static SecretRecord copy(SecretRecord r) {
    return new SecretRecord(r.name(), r.versionId(), r.value().clone(), r.createdOn(), r.expiresOn(), r.metadata());
  }

  @Override
  public String toString() {
    return "Rotator[" + providerId + "]";
  }
}
