package io.secretsbroker;

/**
 * The static facade a function calls: {@code Secrets.get("db")}.
 *
 * <p>The default client is built lazily, exactly once, on first use, from configuration (system
 * properties, environment variables, {@code secrets.properties}); building it is thread-safe and,
 * if it fails, the next call tries again. Once the default client is closed
 * ({@code Secrets.client().close()}), the next call builds a fresh one. This class holds no logic
 * of its own: every method delegates to {@link #client()}.
 */
public final class Secrets {
  private Secrets() {}

  private static volatile SecretsClient client;

  /** The current value of {@code name} as text. See {@link SecretsClient#get}. */
  public static String get(String name) {
    return client().get(name);
  }

  /** The current value with metadata. See {@link SecretsClient#value}. */
  public static SecretValue value(String name) {
    return client().value(name);
  }

  /** One field of a JSON object secret. */
  public static String field(String name, String field) {
    return client().value(name).field(field);
  }

  /**
   * The default client, built on first use, and built again on the first use after it was
   * closed. A client given to {@link #install} is returned as it is, closed or not (its owner
   * decides).
   */
  public static SecretsClient client() {
    SecretsClient c = client;
    if (c == null) {
      synchronized (Secrets.class) {
        c = client;
        if (c == null) {
          SecretsClient[] built = new SecretsClient[1];
          c = SecretsClient.builder().onClose(() -> forget(built[0])).build();
          built[0] = c;
          client = c;
        }
      }
    }
    return c;
  }

  /** A closed default client is dropped, so the next call builds a fresh one. */
  private static void forget(SecretsClient closed) {
    synchronized (Secrets.class) {
      if (client == closed) {
        client = null;
      }
    }
  }

  /**
   * Replaces the default client (tests, or a function that builds its own at start-up) and returns
   * the previous one, which the caller may close. Pass null to go back to lazy building.
   */
  public static SecretsClient install(SecretsClient replacement) {
    synchronized (Secrets.class) {
      SecretsClient previous = client;
      client = replacement;
      return previous;
    }
  }
}
