package io.secretsbroker.gcp;

import io.secretsbroker.SecretAccessDeniedException;

/**
 * The Secret Manager version asked for exists but cannot be read: it is {@code DISABLED} (can be
 * enabled again) or {@code DESTROYED} (its data is gone for good). The message and
 * {@link #versionId()} say which version; nothing here holds a value. Not retried by the client:
 * enable the version, point the alias that readers use at another one, or add a new version.
 *
 * <p>Immutable; unchecked, like every {@link io.secretsbroker.SecretsException}.
 */
public class SecretVersionStateException extends SecretAccessDeniedException {
  private static final long serialVersionUID = 1L;

  private final String versionId;
  private final String state;

  /**
   * @param message what happened and what to do
   * @param versionId the version number the service named (or the one asked for)
   * @param state {@code DISABLED} or {@code DESTROYED}
   */
  public SecretVersionStateException(String message, String versionId, String state) {
    super(message);
    this.versionId = versionId;
    this.state = state;
  }

  /** The version that is not readable, as Secret Manager numbers it. */
  public String versionId() {
    return versionId;
  }

  /** {@code DISABLED} or {@code DESTROYED}. */
  public String state() {
    return state;
  }
}
