package io.secretsbroker.spring.internal;

import com.zaxxer.hikari.HikariDataSource;
import io.secretsbroker.spring.SecretRotatedEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * With {@code secrets.datasource.secret=db}, gives every {@link HikariDataSource} bean (Boot's
 * auto-configured one included) its credentials from that secret before the pool starts, and on
 * each {@link SecretRotatedEvent} for it makes the pools follow ({@link HikariSecretCredentials}).
 * Works whatever package Boot's datasource auto-configuration lives in (it moved in Boot 4): it
 * acts on the pool bean itself. Thread-safe.
 */
public final class SecretsDataSourcePostProcessor implements BeanPostProcessor, ApplicationListener<SecretRotatedEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(SecretsDataSourcePostProcessor.class);

  private final ConfigurableListableBeanFactory beanFactory;
  private final Environment environment;
  private final List<HikariSecretCredentials> pools = new CopyOnWriteArrayList<>();

  public SecretsDataSourcePostProcessor(ConfigurableListableBeanFactory beanFactory, Environment environment) {
    this.beanFactory = beanFactory;
    this.environment = environment;
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (bean instanceof HikariDataSource ds && beanFactory.containsSingleton(SecretsRuntime.BEAN_NAME)) {
      SecretsRuntime runtime = (SecretsRuntime) beanFactory.getSingleton(SecretsRuntime.BEAN_NAME);
      String secret = environment.getProperty(SpringSettings.DATASOURCE_SECRET);
      HikariSecretCredentials c = HikariSecretCredentials.attach(ds, runtime.client(), secret,
          environment.getProperty(SpringSettings.DATASOURCE_USERNAME_FIELD),
          environment.getProperty(SpringSettings.DATASOURCE_PASSWORD_FIELD));
      pools.add(c);
      LOG.info("Datasource '{}' takes its credentials from secret '{}' ({})", beanName, secret,
          c.usesCredentialsProvider() ? "HikariCredentialsProvider" : "pool credentials, replaced on rotation");
    }
    return bean;
  }

  @Override
  public void onApplicationEvent(SecretRotatedEvent event) {
    for (HikariSecretCredentials c : pools) {
      if (c.secret().equals(event.name())) {
        c.rotated();
      }
    }
  }

  /** The pools attached so far. */
  public List<HikariSecretCredentials> pools() {
    return List.copyOf(pools);
  }
}
