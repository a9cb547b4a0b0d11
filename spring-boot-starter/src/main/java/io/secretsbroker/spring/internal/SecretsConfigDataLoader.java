package io.secretsbroker.spring.internal;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretsException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;

/**
 * Loads a {@code secretsbroker:} import: builds the application's one {@link SecretsRuntime} (the
 * runtime guard runs first, then the client is built; both before the application context exists),
 * loads the import's names in one batch so a missing secret or a denied read fails start-up here,
 * and contributes a {@link SecretsPropertySource}. The runtime is shared through the bootstrap
 * context and registered in the application context by {@link SecretsContextInitializer}.
 *
 * <p>For {@code optional:secretsbroker:} a store that cannot be read (unreachable, missing secret,
 * denied) skips the import with a warning; a configuration error fails either way. Stateless.
 */
public final class SecretsConfigDataLoader implements ConfigDataLoader<SecretsConfigDataResource> {
  private static final Logger LOG = LoggerFactory.getLogger(SecretsConfigDataLoader.class);

  @Override
  public ConfigData load(ConfigDataLoaderContext context, SecretsConfigDataResource resource) {
    NamePatterns allow = NamePatterns.parse(resource.settings().get("secrets.allow"));
    if (resource.names().isEmpty() && allow.isEmpty()) {
      throw new ConfigurationException("spring.config.import=" + resource.location() + " does not say which secrets"
          + " it may load, and the store is never listed: set secrets.allow (db,stripe/*) or name them in the"
          + " import (secretsbroker:db;stripe).");
    }
    // registered in the application context by SecretsContextInitializer, which finds the property source
    SecretsRuntime runtime = BootstrapSupport.getOrCreate(context, () -> SecretsRuntime.create(resource.settings()));
    SecretsPropertySource source = new SecretsPropertySource(resource.location(), runtime, resource.names(), allow);
    List<String> prefetch = source.prefetchNames();
    if (!prefetch.isEmpty()) {
      try {
        runtime.client().values(prefetch);
        runtime.trackedNames().addAll(prefetch);
      } catch (ConfigurationException e) {
        throw e;
      } catch (SecretsException e) {
        if (resource.optional()) {
          LOG.warn("Skipping optional import {}: {}", resource.location(), e.getMessage());
          throw new ConfigDataResourceNotFoundException(resource, e);
        }
        throw e;
      }
    }
    return new ConfigData(List.of(source));
  }
}
