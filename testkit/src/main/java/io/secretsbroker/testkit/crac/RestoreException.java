package io.secretsbroker.testkit.crac;

/** A resource failed after the restore; the others' failures are suppressed in it. */
public class RestoreException extends Exception {
  private static final long serialVersionUID = 1L;
}
