package io.secretsbroker.spring.internal;

import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.PropertySource;

/**
 * Resolves {@code secrets.<name>} to the current value of secret {@code <name>} and
 * {@code secrets.<name>.<field>} to one top-level field of a JSON secret, through the client (its
 * cache: a read of a loaded secret does no I/O). Only names the import permits are looked up: the
 * names listed in {@code secretsbroker:db;stripe}, or else those {@code secrets.allow} permits; the
 * store is never listed. Configuration keys ({@code secrets.provider}, {@code secrets.cache.*}, ...)
 * are never looked up.
 *
 * <p>A name that is not permitted, a secret that does not exist, a missing field, or a text Spring
 * asks for whole ({@code secrets.db.missing:fallback}, as Spring 6.2+ does before it splits off a
 * default) resolve to nothing, so a placeholder default applies, and without one Spring reports the
 * unresolvable placeholder. Any other failure (provider unreachable, access denied) is thrown: it
 * is a real error, and it never contains a value.
 *
 * <p>Not enumerable (its names are not known up front). Each call reads the current value, so
 * after a rotation the same placeholder resolves to the new one. Thread-safe.
 */
public final class SecretsPropertySource extends PropertySource<SecretsRuntime> {
  private static final Logger LOG = LoggerFactory.getLogger(SecretsPropertySource.class);
  static final String PREFIX = "secrets.";
  /** Prefixes of configuration keys: never secret names. */
  private static final List<String> CONFIG_PREFIXES = List.of("secrets.cache.", "secrets.retry.",
      "secrets.breaker.", "secrets.guard.", "secrets.alias.", "secrets.anomaly.", "secrets.datasource.",
      "secrets.watch.");

  private final List<String> names;
  private final NamePatterns allow;
  private final Set<String> configKeys;

  /**
   * @param name the property source's name ({@code secretsbroker:...})
   * @param runtime the client holder
   * @param names the names of the import ({@code secretsbroker:db;stripe}); empty to use {@code allow}
   * @param allow the {@code secrets.allow} patterns (used when {@code names} is empty)
   */
  public SecretsPropertySource(String name, SecretsRuntime runtime, List<String> names, NamePatterns allow) {
    super(name, runtime);
    this.names = List.copyOf(names);
    this.allow = Objects.requireNonNull(allow, "allow");
    this.configKeys = SpringSettings.knownKeys();
  }

  @Override
  public Object getProperty(String key) {
    if (!key.startsWith(PREFIX) || key.length() == PREFIX.length() || configKeys.contains(key)) {
      return null;
    }
    for (String p : CONFIG_PREFIXES) {
      if (key.startsWith(p)) {
        return null;
      }
    }
    String rest = key.substring(PREFIX.length());
    if (rest.indexOf(':') >= 0 || rest.indexOf('$') >= 0 || rest.indexOf('{') >= 0 || rest.indexOf('}') >= 0) {
      return null; // a whole placeholder text with a default: Spring splits it and asks again
    }
    if (permitted(rest)) {
      return read(rest, null);
    }
    int dot = rest.lastIndexOf('.');
    if (dot > 0 && dot < rest.length() - 1 && permitted(rest.substring(0, dot))) {
      return read(rest.substring(0, dot), rest.substring(dot + 1));
    }
    return null;
  }

  @Override
  public boolean containsProperty(String key) {
    return getProperty(key) != null;
  }

  private boolean permitted(String name) {
    return names.isEmpty() ? allow.matches(name) : names.contains(name);
  }

  private String read(String name, String field) {
    SecretValue value;
    try {
      value = source.client().value(name);
    } catch (SecretNotFoundException e) {
      LOG.debug("Placeholder secrets.{} not resolved: the secret does not exist", name);
      return null;
    }
    source.trackedNames().add(name);
    if (field == null) {
      return value.asString();
    }
    try {
      return value.field(field);
    } catch (SecretsException e) {
      LOG.debug("Placeholder secrets.{}.{} not resolved: no such JSON field", name, field);
      return null;
    }
  }

  /** The names the import loads up front: the listed ones, else the exact names of {@code secrets.allow}. */
  public List<String> prefetchNames() {
    return names.isEmpty() ? allow.exactNames() : names;
  }
}
