package io.secretsbroker;

/** A registered rotation listener. {@link #close()} unregisters it; idempotent, never throws. */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
