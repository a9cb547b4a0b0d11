package io.secretsbroker;

/**
 * The system a secret unlocks, as seen by a rotation: {@link SecretsClient#rotate} calls
 * {@link #apply} after the candidate is staged (pending) and {@link #verify} after that, and only
 * promotes the candidate to current when both return normally.
 *
 * <p>If {@code apply} or {@code verify} throws, the rotation calls {@code apply(current,
 * candidate)} once to put the previous value back on the target (where {@code apply} had run),
 * discards the pending candidate and throws {@link RotationFailedException}; the current version is
 * untouched. Implementations must therefore make {@code apply} idempotent and able to run in both
 * directions.
 *
 * <p>Both methods default to no-ops. They run on the thread that called {@code rotate}; messages of
 * the exceptions they throw are redacted before they reach a log, but implementations must still
 * never put a value into one.
 */
public interface RotationTarget {

  /**
   * Sets {@code candidate} on the target (for example {@code ALTER ROLE ... PASSWORD}).
   *
   * @param candidate the value to install
   * @param current the value the target holds now (null when the secret had none)
   */
  default void apply(SecretValue candidate, SecretValue current) throws Exception {}

  /** Proves that {@code candidate} works (for example: a fresh login with it); throw to reject it. */
  default void verify(SecretValue candidate) throws Exception {}
}
