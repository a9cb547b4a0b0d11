package io.secretsbroker.quarkus.internal;

import io.quarkus.runtime.configuration.ConfigBuilder;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Adds {@link SecretsConfigSourceFactory} to the runtime configuration (registered by the
 * deployment processor with a {@code RunTimeConfigBuilderBuildItem}); never to the build-time
 * configuration, so no secret is read at build time or baked into an image. Stateless.
 */
public final class SecretsConfigBuilder implements ConfigBuilder {
  @Override
  public SmallRyeConfigBuilder configBuilder(SmallRyeConfigBuilder builder) {
    return builder.withSources(new SecretsConfigSourceFactory());
  }
}
