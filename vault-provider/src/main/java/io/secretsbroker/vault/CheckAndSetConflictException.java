package io.secretsbroker.vault;

import io.secretsbroker.RotationConflictException;

/**
 * A write to Vault KV v2 lost a check-and-set race: the secret's current version is no longer the
 * one the write was based on, because another writer (a concurrent rotation, an operator) created
 * a newer version first. Nothing was written and nothing is lost; the other writer's version
 * stays current. Read the secret again and, if still needed, write again.
 *
 * <p>Unchecked and not retried by the client (retrying blindly would defeat the check). The
 * message names the secret and the versions, never a value. Immutable.
 */
public class CheckAndSetConflictException extends RotationConflictException {
  private static final long serialVersionUID = 1L;

  public CheckAndSetConflictException(String message) {
    super(message);
  }

  public CheckAndSetConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
