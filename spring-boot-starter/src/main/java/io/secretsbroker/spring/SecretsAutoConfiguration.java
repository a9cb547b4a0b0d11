package io.secretsbroker.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spring.internal.Boot3SecretsHealthIndicator;
import io.secretsbroker.spring.internal.Boot4SecretsHealthIndicator;
import io.secretsbroker.spring.internal.ConfigurationPropertiesRebinder;
import io.secretsbroker.spring.internal.SecretsDataSourcePostProcessor;
import io.secretsbroker.spring.internal.SecretsEventBridge;
import io.secretsbroker.spring.internal.SecretsRuntime;
import io.secretsbroker.spring.internal.SecretsWatcher;
import io.secretsbroker.spring.internal.SpringSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the Secrets Broker for Spring Boot 3.5 and 4.0 (one jar: every class that
 * moved between the two lines is chosen with {@code @ConditionalOnClass} by name).
 *
 * <p>Active when the application's {@link SecretsClient} was built before the context, by
 * {@code spring.config.import=secretsbroker:} or, without an import, because {@code secrets.provider}
 * is set. It then provides:
 * <ul>
 *   <li>the {@code SecretsClient} bean (closed with the context);</li>
 *   <li>the client's metrics in the context's Micrometer {@code MeterRegistry};</li>
 *   <li>the health indicator {@code secrets} (provider reachable, last error type, failures since the
 *       last success, stale values served; never a value), on Boot 3's or Boot 4's health API;</li>
 *   <li>{@link SecretRotatedEvent} and {@link SecretsAuditApplicationEvent} application events, and
 *       the rebinding of {@code @ConfigurationProperties} beans that use a rotated secret;</li>
 *   <li>a watcher re-reading placeholder secrets every {@code secrets.watch.interval};</li>
 *   <li>with {@code secrets.datasource.secret} and HikariCP, the pool's credentials from that secret,
 *       following rotations.</li>
 * </ul>
 * {@code @Value("${secrets.db}")} fields are injected once, at start-up, and never change: inject the
 * {@code SecretsClient} and call {@code get("db")}, or bind the value into a
 * {@code @ConfigurationProperties} JavaBean, to follow rotations.
 *
 * <p>Failure behaviour: configuration errors, guard violations and unreadable imported secrets fail
 * start-up before the context is refreshed (see the config import); at run time a failing provider
 * makes the health indicator DOWN while cached values are served.
 *
 * <p>Thread-safety: a stateless configuration class; every bean it defines is thread-safe (the
 * client, the health indicator, the event bridge and the watcher are used from any thread).
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnBean(SecretsRuntime.class)
public class SecretsAutoConfiguration {

  /** The application's client; the runtime that owns it closes it with the context. */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  public SecretsClient secretsClient(SecretsRuntime runtime) {
    return runtime.client();
  }

  @Bean
  @ConditionalOnMissingBean
  public ConfigurationPropertiesRebinder secretsConfigurationPropertiesRebinder(ApplicationContext context,
                                                                                ConfigurableEnvironment environment) {
    return new ConfigurationPropertiesRebinder(context, environment);
  }

  @Bean
  public SecretsEventBridge secretsEventBridge(SecretsRuntime runtime, ApplicationContext context,
                                               ConfigurationPropertiesRebinder rebinder) {
    return new SecretsEventBridge(runtime, context, rebinder);
  }

  @Bean
  public SecretsWatcher secretsWatcher(SecretsRuntime runtime, Environment environment) {
    return new SecretsWatcher(runtime, environment.getProperty(SpringSettings.WATCH_INTERVAL));
  }

  /** Joins the context's meter registry to the client's metrics. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  static class Metrics {
    @Bean
    SmartInitializingSingleton secretsMeterRegistryBinder(SecretsRuntime runtime, ObjectProvider<MeterRegistry> registries) {
      return () -> {
        MeterRegistry registry = registries.getIfUnique();
        if (registry != null && runtime.compositeRegistry() != null) {
          ((io.micrometer.core.instrument.composite.CompositeMeterRegistry) runtime.compositeRegistry()).add(registry);
        }
      };
    }
  }

  /** Boot 4: the health API lives in {@code org.springframework.boot.health.contributor}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(name = "management.health.secrets.enabled", matchIfMissing = true)
  static class Boot4Health {
    @Bean
    @ConditionalOnMissingBean(name = "secretsHealthIndicator")
    Boot4SecretsHealthIndicator secretsHealthIndicator(SecretsRuntime runtime) {
      return new Boot4SecretsHealthIndicator(runtime);
    }
  }

  /** Boot 3: the health API lives in {@code org.springframework.boot.actuate.health}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(name = "management.health.secrets.enabled", matchIfMissing = true)
  static class Boot3Health {
    @Bean
    @ConditionalOnMissingBean(name = "secretsHealthIndicator")
    Boot3SecretsHealthIndicator secretsHealthIndicator(SecretsRuntime runtime) {
      return new Boot3SecretsHealthIndicator(runtime);
    }
  }

  /**
   * {@code secrets.datasource.secret}: Hikari pools take their credentials from the secret through
   * the {@code secretsbroker-jdbc} module ({@link SecretsDataSourcePostProcessor}).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"com.zaxxer.hikari.HikariDataSource", "io.secretsbroker.jdbc.SecretsDataSource"})
  @ConditionalOnProperty(name = SpringSettings.DATASOURCE_SECRET)
  static class DataSource {
    @Bean
    static SecretsDataSourcePostProcessor secretsDataSourcePostProcessor(ConfigurableListableBeanFactory beanFactory,
                                                                         Environment environment) {
      return new SecretsDataSourcePostProcessor(beanFactory, environment);
    }
  }

  /**
   * {@code secrets.datasource.secret} without {@code secretsbroker-jdbc}: start-up fails saying which
   * artifact to add, instead of a pool that silently logs in without the secret's credentials.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingClass("io.secretsbroker.jdbc.SecretsDataSource")
  @ConditionalOnProperty(name = SpringSettings.DATASOURCE_SECRET)
  static class DataSourceWithoutJdbcModule {
    @Bean
    static Object secretsDataSourceRequiresJdbcModule() {
      throw new io.secretsbroker.ConfigurationException(SpringSettings.DATASOURCE_SECRET
          + " is set but io.secretsbroker:secretsbroker-jdbc is not on the classpath: add that dependency"
          + " (the pool takes its credentials through it), or remove " + SpringSettings.DATASOURCE_SECRET);
    }
  }
}
