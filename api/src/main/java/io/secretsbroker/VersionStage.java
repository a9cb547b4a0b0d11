package io.secretsbroker;

/**
 * Which version of a secret to read, in the words every store with rotation uses (AWS labels
 * {@code AWSCURRENT}, {@code AWSPREVIOUS}, {@code AWSPENDING}; version history and a pending slot
 * elsewhere).
 *
 * <ul>
 *   <li>{@link #CURRENT}: what {@link SecretsClient#get} returns.
 *   <li>{@link #PREVIOUS}: the version that was current before the last promotion; what a
 *       consumer falls back to while a rotation's window is open.
 *   <li>{@link #PENDING}: a rotation's staged candidate, not yet promoted; readers of the current
 *       version never see it.
 * </ul>
 *
 * A stage the store does not have (no rotation ever ran, no pending candidate) is a
 * {@link SecretNotFoundException}.
 */
public enum VersionStage {
  CURRENT,
  PREVIOUS,
  PENDING
}
