package io.secretsbroker.quarkus.internal;

import io.secretsbroker.InvalidSecretNameException;
import io.secretsbroker.SecretFormatException;
import io.secretsbroker.SecretNotAllowedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.SecretsException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Resolves {@code secrets.<name>} to the current value of the secret {@code <name>} and
 * {@code secrets.<name>.<field>} to one field of a JSON secret, through the application's one
 * {@link SecretsClient} (so through its cache: a lookup after the first costs no provider call).
 *
 * <p>Which names resolve: the {@code secrets.names} list when given, else the {@code secrets.allow}
 * patterns (exact names, {@code prefix/*}, {@code *}); with neither, none. The store is never
 * listed: {@link #getPropertyNames()} is empty, so nothing enumerates secrets (and Quarkus's
 * unknown-key checks never see them). Configuration keys ({@code secrets.provider},
 * {@code secrets.cache.*}, ...) are never taken for secret names.
 *
 * <p>Failure: a missing secret or field, or a name outside the list, resolves to nothing (so a
 * default {@code ${secrets.db.missing:fallback}} applies, and without one Quarkus reports the
 * property it could not expand); any other failure (access denied, provider unavailable) is
 * thrown as the client's typed {@link SecretsException}. No message or {@code toString()} holds a
 * value. Thread-safe: stateless apart from the thread-safe client.
 */
final class SecretsConfigSource implements ConfigSource {
  static final String PREFIX = "secrets.";
  /** Above application.properties (250), like the other secret-store sources. */
  static final int ORDINAL = 270;
  private static final Set<String> CONFIG_KEYS = Set.of("provider", "env", "production", "name-template",
      "allow", "names", "prefetch", "guard", "audit", "metrics");
  private static final List<String> CONFIG_PREFIXES = List.of("cache.", "retry.", "breaker.", "guard.",
      "alias.", "anomaly.", "jdbc.", "datasource.", "config.");

  private final SecretsClient client;
  private final List<String> patterns;

  SecretsConfigSource(SecretsClient client, List<String> patterns) {
    this.client = Objects.requireNonNull(client, "client");
    this.patterns = List.copyOf(Objects.requireNonNull(patterns, "patterns"));
  }

  @Override
  public Set<String> getPropertyNames() {
    return Set.of();
  }

  @Override
  public String getValue(String propertyName) {
    if (propertyName == null || !propertyName.startsWith(PREFIX) || propertyName.length() == PREFIX.length()) {
      return null;
    }
    String rest = propertyName.substring(PREFIX.length());
    if (isConfigKey(rest)) {
      return null;
    }
    if (resolvable(rest)) {
      try {
        return client.get(rest);
      } catch (SecretNotFoundException | InvalidSecretNameException | SecretNotAllowedException e) {
        // not a secret of that name: perhaps <name>.<field>
      }
    }
    int dot = rest.lastIndexOf('.');
    if (dot <= 0 || dot == rest.length() - 1) {
      return null;
    }
    String name = rest.substring(0, dot);
    String field = rest.substring(dot + 1);
    if (!resolvable(name)) {
      return null;
    }
    SecretValue value;
    try {
      value = client.value(name);
    } catch (SecretNotFoundException | InvalidSecretNameException | SecretNotAllowedException e) {
      return null;
    }
    try {
      return value.field(field);
    } catch (SecretFormatException e) {
      return null;
    } catch (SecretsException e) {
      if (e.getClass() == SecretsException.class) {
        return null; // no such field
      }
      throw e;
    }
  }

  static boolean isConfigKey(String rest) {
    if (CONFIG_KEYS.contains(rest)) {
      return true;
    }
    for (String p : CONFIG_PREFIXES) {
      if (rest.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  private boolean resolvable(String name) {
    for (String p : patterns) {
      if (p.equals("*") || p.equals(name)) {
        return true;
      }
      if (p.endsWith("/*") && name.startsWith(p.substring(0, p.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int getOrdinal() {
    return ORDINAL;
  }

  @Override
  public String getName() {
    return "SecretsBrokerConfigSource";
  }

  @Override
  public String toString() {
    return "SecretsBrokerConfigSource[names=" + patterns + "]";
  }
}
