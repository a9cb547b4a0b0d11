package io.secretsbroker.spring.internal;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.PropertySource;

/**
 * Registers the application's {@link SecretsRuntime} in the context before it is refreshed: the one
 * a {@code secretsbroker:} import built, or else, with {@code secrets.provider} set and no import,
 * a new one built from Spring's properties here, so that the runtime guard inspects the environment
 * before any bean reads a property. Without either the starter stays inactive. Stateless.
 */
public final class SecretsContextInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    if (context.getBeanFactory().containsSingleton(SecretsRuntime.BEAN_NAME)) {
      return;
    }
    for (PropertySource<?> source : context.getEnvironment().getPropertySources()) {
      if (source instanceof SecretsPropertySource imported) {
        imported.getSource().registerIn(context.getBeanFactory());
        return;
      }
    }
    Binder binder = Binder.get(context.getEnvironment());
    if (binder.bind("secrets.provider", String.class).orElse("").isBlank()) {
      return;
    }
    SecretsRuntime.create(SpringSettings.bind(binder)).registerIn(context.getBeanFactory());
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 100;
  }
}
