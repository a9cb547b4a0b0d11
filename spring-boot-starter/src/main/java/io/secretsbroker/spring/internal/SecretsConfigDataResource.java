package io.secretsbroker.spring.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.context.config.ConfigDataResource;

/**
 * One {@code secretsbroker:} import: the names it lists and the {@code secrets.*} settings bound when
 * it was resolved. Immutable. Its {@code toString} names the location, never a value.
 */
public final class SecretsConfigDataResource extends ConfigDataResource {
  private final String location;
  private final List<String> names;
  private final Map<String, String> settings;
  private final boolean optional;

  SecretsConfigDataResource(String location, boolean optional, List<String> names, Map<String, String> settings) {
    super(optional);
    this.optional = optional;
    this.location = location;
    this.names = List.copyOf(names);
    this.settings = Map.copyOf(settings);
  }

  String location() {
    return location;
  }

  List<String> names() {
    return names;
  }

  Map<String, String> settings() {
    return settings;
  }

  /** Whether the import was written {@code optional:secretsbroker:}. */
  boolean optional() {
    return optional;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretsConfigDataResource r && r.location.equals(location) && r.names.equals(names)
        && r.settings.equals(settings);
  }

  @Override
  public int hashCode() {
    return Objects.hash(location, names, settings);
  }

  @Override
  public String toString() {
    return location;
  }
}
