package io.secretsbroker;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.Function;

/**
 * How {@link SecretsClient#rotate} makes and checks a new value. Immutable; build with
 * {@link #builder()} or take {@link #defaults()}.
 *
 * <ul>
 *   <li>{@code generator}: given the current value, returns the new one. Default: {@code length}
 *       (32) characters drawn from {@code alphabet} with {@link SecureRandom}.
 *   <li>{@code target}: the system the secret unlocks ({@link RotationTarget}): the candidate is
 *       applied to it and verified there before it is promoted to current.
 *   <li>{@code verify}: a shorthand for a target that only verifies (for example: log in to the
 *       database with the candidate). Given with a target, it runs after the target's own verify.
 * </ul>
 *
 * If apply or verify throws, the candidate is never promoted: the target is put back, the pending
 * candidate is discarded, the current version is untouched and {@link RotationFailedException} is
 * thrown; nothing is lost. If another writer promoted a version after this rotation read the current
 * one, the promotion is refused (compare-and-set) with {@link RotationConflictException}, the
 * candidate is discarded and the target is set to the winner's value.
 *
 * <p><b>A pending candidate left behind</b> (a rotator that died between stage and promote) is found
 * by the next {@code rotate} of that secret; {@link Builder#onPending(Pending)} says what it does
 * with it. The default, {@link Pending#RESUME}, is what the AWS rotation-Lambda contract does: the
 * candidate may already be set on the target, so it is applied again (apply must be idempotent),
 * verified and promoted, instead of generating another value the target has never seen.
 *
 * <p>Immutable and thread-safe; one instance may drive any number of rotations.
 */
public final class Rotation {
  /** Letters and digits: safe in connection strings, shells and URLs. */
  public static final String DEFAULT_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  public static final int DEFAULT_LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** What {@code rotate} does with a pending candidate it finds (left by a rotator that died). */
  public enum Pending {
    /**
     * Apply, verify and promote the pending candidate (the default). A candidate staged from a
     * version that is no longer current is discarded instead: it was built from a value that was
     * replaced since, so promoting it would lose that write.
     */
    RESUME,
    /** Discard the pending candidate and rotate afresh with a newly generated value. */
    DISCARD
  }

  /** Checks a freshly written value; throw to reject it. */
  @FunctionalInterface
  public interface Verifier {
    void verify(SecretValue candidate) throws Exception;
  }

  private final Function<SecretValue, String> generator;
  private final Verifier verify;
  private final RotationTarget target;
  private final Pending pending;

  private Rotation(Builder b) {
    if (b.generator != null) {
      this.generator = b.generator;
    } else {
      String alphabet = b.alphabet;
      int length = b.length;
      this.generator = current -> random(alphabet, length);
    }
    this.verify = b.verify;
    this.target = b.target;
    this.pending = b.pending;
  }

  /** Random 32-character value, no verification. */
  public static Rotation defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The new value for a secret whose current value is {@code current} (null when it has none).
   *
   * @throws RotationFailedException when the generator throws (its exception is the cause) or
   *     returns an empty value; nothing was written either way
   */
  public String generate(SecretValue current) {
    String next;
    try {
      next = generator.apply(current);
    } catch (RotationFailedException e) {
      throw e;
    } catch (SecretsException e) {
      // a typed refusal (a database generator given a secret that is not JSON, say): its message
      // says what to fix and, like every SecretsException message, has passed the redactor
      throw new RotationFailedException("The rotation generator refused the current value: " + e.getMessage()
          + " Nothing was written.", e);
    } catch (RuntimeException e) {
      throw new RotationFailedException("The rotation generator threw " + e.getClass().getName()
          + "; nothing was written. Fix the generator given to Rotation.builder().generator(...).", e);
    }
    if (next == null || next.isEmpty()) {
      throw new RotationFailedException("The rotation generator returned an empty value; nothing was written.");
    }
    return next;
  }

  /** Runs the target's verify, then the verifier, if any. */
  public void verify(SecretValue candidate) throws Exception {
    if (target != null) {
      target.verify(candidate);
    }
    if (verify != null) {
      verify.verify(candidate);
    }
  }

  /** Applies {@code candidate} on the target, if there is one. */
  public void apply(SecretValue candidate, SecretValue current) throws Exception {
    if (target != null) {
      target.apply(candidate, current);
    }
  }

  /** What a rotation does with a pending candidate it finds: {@link Pending#RESUME} unless set. */
  public Pending pending() {
    return pending;
  }

  /** Whether a target was given (so that a failed rotation must put it back). */
  public boolean hasTarget() {
    return target != null;
  }

  static String random(String alphabet, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "Rotation[" + (target == null ? "" : "target, ")
        + (verify == null && target == null ? "unverified" : "verified") + "]";
  }

  /** Validating builder; not thread-safe. */
  public static final class Builder {
    private Function<SecretValue, String> generator;
    private Verifier verify;
    private RotationTarget target;
    private String alphabet = DEFAULT_ALPHABET;
    private int length = DEFAULT_LENGTH;
    private Pending pending = Pending.RESUME;

    private Builder() {}

    /**
     * What to do with a pending candidate found when the rotation starts (left by a rotator that
     * died between stage and promote). Default {@link Pending#RESUME}.
     */
    public Builder onPending(Pending pending) {
      this.pending = Objects.requireNonNull(pending, "pending");
      return this;
    }

    /** Replaces the random generator. */
    public Builder generator(Function<SecretValue, String> generator) {
      this.generator = Objects.requireNonNull(generator, "generator");
      return this;
    }

    /** The system the secret unlocks: the candidate is applied and verified there before promotion. */
    public Builder target(RotationTarget target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /** A check of the staged candidate (shorthand for a target that only verifies). */
    public Builder verify(Verifier verify) {
      this.verify = Objects.requireNonNull(verify, "verify");
      return this;
    }

    /** Characters for the random generator; at least 10 distinct ones. */
    public Builder alphabet(String alphabet) {
      if (alphabet == null || alphabet.chars().distinct().count() < 10) {
        throw new ConfigurationException("Rotation.alphabet needs at least 10 distinct characters.");
      }
      this.alphabet = alphabet;
      return this;
    }

    /** Length of random values; 16 to 4096. */
    public Builder length(int length) {
      if (length < 16 || length > 4096) {
        throw new ConfigurationException("Rotation.length must be between 16 and 4096, was " + length + ".");
      }
      this.length = length;
      return this;
    }

    public Rotation build() {
      return new Rotation(this);
    }
  }
}
