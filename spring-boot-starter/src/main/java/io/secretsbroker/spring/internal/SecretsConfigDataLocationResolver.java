package io.secretsbroker.spring.internal;

import io.secretsbroker.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;

/**
 * Resolves {@code spring.config.import=secretsbroker:}, {@code optional:secretsbroker:} and
 * {@code secretsbroker:db;stripe} (Spring splits the import at commas, so names are separated by
 * {@code ;}). The {@code secrets.*} settings are bound here, from the properties loaded so far,
 * with relaxed binding. Stateless; thread-safe.
 */
public final class SecretsConfigDataLocationResolver implements ConfigDataLocationResolver<SecretsConfigDataResource> {
  /** The import prefix. */
  public static final String PREFIX = "secretsbroker:";

  @Override
  public boolean isResolvable(ConfigDataLocationResolverContext context, ConfigDataLocation location) {
    return location.hasPrefix(PREFIX);
  }

  @Override
  public List<SecretsConfigDataResource> resolve(ConfigDataLocationResolverContext context, ConfigDataLocation location) {
    List<String> names = parseNames(location.getNonPrefixedValue(PREFIX));
    Map<String, String> settings = SpringSettings.bind(context.getBinder());
    if (settings.get("secrets.provider") == null && location.isOptional()) {
      // optional:secretsbroker: without a provider (a developer machine, a test slice): nothing to import
      throw new ConfigDataResourceNotFoundException(new SecretsConfigDataResource(location.toString(), true,
          names, settings));
    }
    return List.of(new SecretsConfigDataResource(location.toString(), location.isOptional(), names, settings));
  }

  static List<String> parseNames(String spec) {
    List<String> out = new ArrayList<>();
    for (String raw : spec.split(";")) {
      String n = raw.strip();
      if (n.isEmpty()) {
        continue;
      }
      if (n.contains(",") || n.contains("*")) {
        throw new ConfigurationException("spring.config.import=secretsbroker:" + spec + " is not a list of names:"
            + " separate names with ';' (secretsbroker:db;stripe) and list wildcards in secrets.allow instead.");
      }
      if (!out.contains(n)) {
        out.add(n);
      }
    }
    return out;
  }
}
