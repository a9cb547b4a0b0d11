package io.secretsbroker.vault;

import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * An AWS credentials provider built on first use and dropped by {@link #reset()} (before a
 * checkpoint), so the credentials it cached are not in the snapshot and the next login resolves the
 * restored environment's. Thread-safe.
 */
final class ResettableCredentials implements AwsCredentialsProvider {
  private final Supplier<? extends AwsCredentialsProvider> factory;
  private volatile AwsCredentialsProvider chain;

  ResettableCredentials(Supplier<? extends AwsCredentialsProvider> factory) {
    this.factory = factory;
  }

  @Override
  public AwsCredentials resolveCredentials() {
    AwsCredentialsProvider c = chain;
    if (c == null) {
      synchronized (this) {
        c = chain;
        if (c == null) {
          c = factory.get();
          chain = c;
        }
      }
    }
    return c.resolveCredentials();
  }

  /** Closes and forgets the chain; the next {@link #resolveCredentials()} builds a new one. */
  void reset() {
    AwsCredentialsProvider c;
    synchronized (this) {
      c = chain;
      chain = null;
    }
    if (c instanceof SdkAutoCloseable closeable) {
      closeable.close();
    }
  }

  /** Whether a chain (and the credentials it caches) is held, for tests. */
  boolean holdsChain() {
    return chain != null;
  }

  @Override
  public String toString() {
    return "ResettableCredentials[" + (chain == null ? "none" : chain.getClass().getSimpleName()) + "]";
  }
}
