package io.secretsbroker.testkit.crac;

/** The context type of the {@linkplain Core test CRaC runtime}. */
public abstract class Context<R extends Resource> implements Resource {
  /** Registers a resource to be notified around checkpoints. */
  public abstract void register(R resource);
}
