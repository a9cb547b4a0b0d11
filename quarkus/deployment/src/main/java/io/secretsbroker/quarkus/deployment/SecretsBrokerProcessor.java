package io.secretsbroker.quarkus.deployment;

import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.credentials.CredentialsProvider;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.secretsbroker.quarkus.internal.SecretsBrokerRecorder;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
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
 *   <li>for a datasource configured the other way round ({@code credentials-provider=secretsbroker},
 *       {@code credentials-provider-name=<secret>}, as the issue writes it), a credentials-provider
 *       bean named after the secret, so both spellings work (the name must be in the build-time
 *       configuration, application.properties);
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

  private static final String DATASOURCE_PREFIX = "quarkus.datasource.";
  private static final String CREDENTIALS_PROVIDER = "credentials-provider";

  /**
   * Whether {@code key} is {@code quarkus.datasource.credentials-provider} or
   * {@code quarkus.datasource.<name>.credentials-provider} ({@code <name>} one segment, or quoted).
   * Plain string checks, no regular expression: keys come from the application's configuration.
   */
  static boolean isCredentialsProviderKey(String key) {
    if (key.equals(DATASOURCE_PREFIX + CREDENTIALS_PROVIDER)) {
      return true;
    }
    if (!key.startsWith(DATASOURCE_PREFIX) || !key.endsWith("." + CREDENTIALS_PROVIDER)) {
      return false;
    }
    String name = key.substring(DATASOURCE_PREFIX.length(), key.length() - CREDENTIALS_PROVIDER.length() - 1);
    if (name.startsWith("\"")) {
      return name.length() > 2 && name.indexOf('"', 1) == name.length() - 1;
    }
    return !name.isEmpty() && name.indexOf('.') < 0 && name.indexOf('"') < 0;
  }

  @BuildStep
  @Record(ExecutionTime.RUNTIME_INIT)
  void beansNamedAfterSecrets(SecretsBrokerRecorder recorder, BuildProducer<SyntheticBeanBuildItem> beans) {
    Config config = ConfigProvider.getConfig();
    Set<String> secrets = new TreeSet<>();
    for (String key : config.getPropertyNames()) {
      if (isCredentialsProviderKey(key) && SecretsBrokerCredentialsProvider.NAME.equals(config.getOptionalValue(key, String.class).orElse(null))) {
        config.getOptionalValue(key + "-name", String.class)
            .filter(name -> !name.equals(SecretsBrokerCredentialsProvider.NAME))
            .ifPresent(secrets::add);
      }
    }
    for (String secret : secrets) {
      beans.produce(SyntheticBeanBuildItem.configure(CredentialsProvider.class)
          .types(CredentialsProvider.class)
          .named(secret)
          .scope(Singleton.class)
          .unremovable()
          .setRuntimeInit()
          .supplier(recorder.credentialsFor(secret))
          .done());
    }
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
