package io.secretsbroker.testkit.crac;

/**
 * The resource type of the {@linkplain Core test CRaC runtime}: what {@code org.crac} adapts each
 * {@code org.crac.Resource} to when this package is named by {@code -Dorg.crac.Core.Compat}.
 */
public interface Resource {
  /** Called before the (simulated) checkpoint. */
  void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

  /** Called after the (simulated) restore. */
  void afterRestore(Context<? extends Resource> context) throws Exception;
}
