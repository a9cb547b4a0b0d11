package io.secretsbroker.spring.internal;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretsException;
import java.util.List;
import io.secretsbroker.guard.Finding;
import io.secretsbroker.spi.GuardCheck;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.boot.logging.DeferredLogFactory;

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
  /**
   * Spring Boot drops log output while it loads configuration (its logging system is not
   * initialized yet); a deferred log is replayed once it is, so the guard's warnings are not lost.
   */
  private final Log log;

  public SecretsConfigDataLoader(DeferredLogFactory logs) {
    this.log = logs.getLog(SecretsConfigDataLoader.class);
  }

  @Override
  public ConfigData load(ConfigDataLoaderContext context, SecretsConfigDataResource resource) {
    NamePatterns allow = NamePatterns.parse(resource.settings().get("secrets.allow"));
    if (resource.names().isEmpty() && allow.isEmpty()) {
      throw new ConfigurationException("spring.config.import=" + resource.location() + " does not say which secrets"
          + " it may load, and the store is never listed: set secrets.allow (db,stripe/*) or name them in the"
          + " import (secretsbroker:db;stripe).");
    }
    // registered in the application context by SecretsContextInitializer, which finds the property source
    SecretsRuntime runtime = BootstrapSupport.getOrCreate(context, () -> {
      reportGuardWarnings(resource.settings());
      return SecretsRuntime.create(resource.settings()); // runs the guard: blocks (throws) in block mode
    });
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
          log.warn("Skipping optional import " + resource.location() + ": " + e.getMessage());
          throw new ConfigDataResourceNotFoundException(resource, e);
        }
        throw e;
      }
    }
    return new ConfigData(List.of(source));
  }

  /**
   * In warn mode the client's guard logs its findings while Spring's logging is off: report them
   * here through the deferred log (variable and rule, never any part of the value).
   */
  private void reportGuardWarnings(Map<String, String> settings) {
    GuardCheck guard = GuardCheck.of(settings);
    if (guard.mode() != GuardCheck.Mode.WARN) {
      return;
    }
    for (Finding f : guard.findings()) {
      log.warn("Secrets guard (" + guard + "): " + f.location() + " holds a secret [" + f.ruleId() + "]. " + f.fix());
    }
  }
}
