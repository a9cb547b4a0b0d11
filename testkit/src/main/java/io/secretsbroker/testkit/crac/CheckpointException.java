package io.secretsbroker.testkit.crac;

/** A resource failed before the checkpoint; the others' failures are suppressed in it. */
public class CheckpointException extends Exception {
  private static final long serialVersionUID = 1L;
}
