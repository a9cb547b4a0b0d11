package io.secretsbroker.spring.internal;

import io.secretsbroker.spi.Configuration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * The {@code secrets.*} configuration read from Spring's properties with relaxed binding
 * ({@code secrets.cache.refresh-after}, {@code secrets.cache.refreshAfter},
 * {@code SECRETS_CACHE_REFRESH_AFTER} are one key), handed to the client as its explicit
 * properties so the API's own validation applies: an unknown {@code secrets.*} key fails start-up
 * with the nearest valid key. The starter's own keys are registered with that validation here.
 *
 * <p>Environment variables are left to the client's own environment reading (it builds with
 * ambient configuration on), which ignores {@code SECRETS_*} variables close to no known key, as
 * for plain applications. Stateless; thread-safe.
 */
public final class SpringSettings {
  /** The secret that holds the auto-configured datasource's credentials. */
  public static final String DATASOURCE_SECRET = "secrets.datasource.secret";
  /** The JSON field of that secret holding the user name (default {@code username}). */
  public static final String DATASOURCE_USERNAME_FIELD = "secrets.datasource.username-field";
  /** The JSON field of that secret holding the password (default {@code password}). */
  public static final String DATASOURCE_PASSWORD_FIELD = "secrets.datasource.password-field";
  /** How often the secrets behind placeholders are read so that rotations are seen (default 1m, {@code off}). */
  public static final String WATCH_INTERVAL = "secrets.watch.interval";

  /** The keys only the starter reads. */
  public static final List<String> SPRING_KEYS = List.of(DATASOURCE_SECRET, DATASOURCE_USERNAME_FIELD,
      DATASOURCE_PASSWORD_FIELD, WATCH_INTERVAL);

  static {
    Configuration.registerKeys(SPRING_KEYS.toArray(String[]::new));
  }

  private SpringSettings() {}

  /** Every key the starter and the client accept (aliases aside). */
  public static Set<String> knownKeys() {
    return Configuration.knownKeys();
  }

  /**
   * The {@code secrets.*} properties visible to {@code binder}, keyed by their canonical names;
   * keys that match no known key are kept as written so the client rejects them by name.
   */
  public static Map<String, String> bind(Binder binder) {
    Set<String> known = knownKeys();
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : known) {
      binder.bind(key, String.class).ifBound(v -> out.put(key, v));
    }
    Map<String, String> all = binder.bind("secrets", Bindable.mapOf(String.class, String.class)).orElse(Map.of());
    for (Map.Entry<String, String> e : all.entrySet()) {
      String key = "secrets." + e.getKey();
      if (key.startsWith(Configuration.ALIAS_PREFIX)) {
        out.put(key, e.getValue());
        continue;
      }
      if (matchesKnown(key, known) || fromEnvironment(key)) {
        continue; // bound above, or an environment variable the client judges itself
      }
      out.put(key, e.getValue()); // unknown: the client fails naming it and the nearest valid key
    }
    return out;
  }

  private static boolean matchesKnown(String key, Set<String> known) {
    ConfigurationPropertyName name = ConfigurationPropertyName.isValid(key) ? ConfigurationPropertyName.of(key)
        : ConfigurationPropertyName.adapt(key, '.');
    String env = Configuration.toEnvName(key);
    for (String k : known) {
      if (ConfigurationPropertyName.of(k).equals(name) || Configuration.toEnvName(k).equals(env)) {
        return true;
      }
    }
    return false;
  }

  private static boolean fromEnvironment(String key) {
    return System.getenv(Configuration.toEnvName(key)) != null
        || System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_')) != null;
  }
}
