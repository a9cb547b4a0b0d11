package io.secretsbroker.internal;

import io.secretsbroker.SecretsClient;

/** Wires a {@link SecretsClient} from a builder: configuration, provider, cache, resilience. */
public final class ClientFactory {
  private ClientFactory() {}

  public static SecretsClient build(SecretsClient.Builder builder) {
    throw new IllegalStateException("core client not landed yet");
  }
}
