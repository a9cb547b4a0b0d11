package io.secretsbroker.quarkus.deployment;

import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.RunTimeConfigBuilderBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ServiceProviderBuildItem;
import io.secretsbroker.quarkus.SecretsBrokerCredentialsProvider;
import io.secretsbroker.quarkus.SecretsClientProducer;
import io.secretsbroker.quarkus.internal.SecretsConfigBuilder;
import io.secretsbroker.spi.AuditSink;
import io.secretsbroker.spi.SecretProviderFactory;

/**
 * Build steps of the {@code secretsbroker} extension.
 *
 * <ul>
 *   <li>the feature {@code secretsbroker};
 *   <li>the {@code SecretsClient} producer and the {@code secretsbroker} credentials provider as
 *       unremovable beans;
 *   <li>the config source factory, on the runtime configuration only (no secret is read at build
 *       time);
 *   <li>for native images, the {@code ServiceLoader} files of our SPI only (provider factories and
 *       audit sinks found on the class path), which also registers their implementations for
 *       reflective instantiation. Nothing else needs reflection: the API reads JSON with Jackson's
 *       streaming parser and a tree, never by binding classes.
 * </ul>
 *
 * Build steps run once per build, on Quarkus's build threads; they hold no state.
 */
class SecretsBrokerProcessor {
  static final String FEATURE = "secretsbroker";

  @BuildStep
  FeatureBuildItem feature() {
    return new FeatureBuildItem(FEATURE);
  }

  @BuildStep
  AdditionalBeanBuildItem beans() {
    return AdditionalBeanBuildItem.builder()
        .addBeanClasses(SecretsClientProducer.class, SecretsBrokerCredentialsProvider.class)
        .setUnremovable()
        .build();
  }

  @BuildStep
  RunTimeConfigBuilderBuildItem configSource() {
    return new RunTimeConfigBuilderBuildItem(SecretsConfigBuilder.class);
  }

  @BuildStep
  void serviceProviders(BuildProducer<ServiceProviderBuildItem> services) {
    services.produce(ServiceProviderBuildItem.allProvidersFromClassPath(SecretProviderFactory.class.getName()));
    services.produce(ServiceProviderBuildItem.allProvidersFromClassPath(AuditSink.class.getName()));
  }
}
