package io.secretsbroker.quarkus.internal;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretsClient;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one {@link SecretsClient} of the application: created when the runtime configuration is
 * built (so {@code ${secrets.*}} placeholders resolve during start-up), then exposed as the
 * {@code @Singleton} bean and closed with it at shutdown.
 *
 * <p>Thread-safe (one atomic reference). {@link #install} keeps an open client already installed,
 * so configuration built twice in one application still uses one client.
 */
public final class ClientHolder {
  private static final AtomicReference<SecretsClient> CLIENT = new AtomicReference<>();
  private static final AtomicReference<RuntimeException> NOT_CONFIGURED = new AtomicReference<>();

  private ClientHolder() {}

  /** Installs the client unless one is installed; returns the installed one. */
  static SecretsClient install(SecretsClient client) {
    if (CLIENT.compareAndSet(null, client)) {
      return client;
    }
    client.close();
    return CLIENT.get();
  }

  static SecretsClient current() {
    return CLIENT.get();
  }

  static void notConfigured(RuntimeException reason) {
    NOT_CONFIGURED.set(reason);
  }

  /**
   * The client.
   *
   * @throws ConfigurationException when {@code secrets.provider} is not configured
   */
  public static SecretsClient client() {
    SecretsClient c = CLIENT.get();
    if (c == null) {
      RuntimeException reason = NOT_CONFIGURED.get();
      if (reason != null) {
        throw reason;
      }
      throw new ConfigurationException("No SecretsClient: set secrets.provider in application.properties"
          + " (for example secrets.provider=aws://?region=eu-west-1, or memory:// in tests).");
    }
    return c;
  }

  /** Closes and forgets the client (at shutdown); a later start-up installs a new one. */
  public static void close() {
    SecretsClient c = CLIENT.getAndSet(null);
    if (c != null) {
      c.close();
    }
  }
}
