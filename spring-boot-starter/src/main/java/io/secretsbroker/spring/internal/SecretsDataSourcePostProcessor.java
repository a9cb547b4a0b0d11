package io.secretsbroker.spring.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.util.DriverDataSource;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.jdbc.DatabaseSecret;
import io.secretsbroker.jdbc.SecretsDataSource;
import io.secretsbroker.spring.SecretRotatedEvent;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * With {@code secrets.datasource.secret=db}, makes every {@link HikariDataSource} bean (Boot's
 * auto-configured one included) take its credentials from that database secret through the
 * {@code secretsbroker-jdbc} module, and follow its rotations. Works whatever package Boot's
 * datasource auto-configuration lives in (it moved in Boot 4): it acts on the pool bean itself.
 *
 * <ul>
 *   <li><b>HikariCP 7</b> (Spring Boot 4.0): the bean is replaced, after Boot configured it, by
 *       {@link io.secretsbroker.jdbc.SecretsHikari#dataSource} built from a copy of its settings:
 *       {@link io.secretsbroker.jdbc.SecretsCredentialsProvider} hands every new connection the
 *       current credentials, the pool soft-evicts on each new version, and a refused login is
 *       retried across the rotation window. The replacement pool is closed with the context.
 *   <li><b>HikariCP 6</b> (Spring Boot 3.5, which has no {@code HikariCredentialsProvider}): before
 *       the pool starts, its connections are made to come from a {@link SecretsDataSource} (the
 *       secret's current credentials, the same login retry) over the pool's own JDBC URL, driver and
 *       properties (or the {@code DataSource} already set on it); user and password on the pool
 *       are cleared.
 * </ul>
 *
 * <p>On both, each {@link SecretRotatedEvent} for the secret soft-evicts the pool: idle connections
 * close at once, busy ones when returned, and new ones log in with the new credentials.
 *
 * <p><b>Failures.</b> The secret is read when the pool bean is created, so a missing secret or one
 * without the user-name / password fields fails start-up with the client's
 * {@link io.secretsbroker.SecretsException} naming the secret and field (never the value). A bad
 * {@code secrets.jdbc.login-retry} is a {@link ConfigurationException}. Thread-safe.
 */
public final class SecretsDataSourcePostProcessor
    implements DestructionAwareBeanPostProcessor, ApplicationListener<SecretRotatedEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(SecretsDataSourcePostProcessor.class);
  /** The Spring property for the JDBC module's login retry (same key and format as in plain Java). */
  static final String LOGIN_RETRY = "secrets.jdbc.login-retry";
  static final boolean HIKARI_CREDENTIALS_PROVIDER = ClassUtils.isPresent("com.zaxxer.hikari.HikariCredentialsProvider",
      SecretsDataSourcePostProcessor.class.getClassLoader());

  private final ConfigurableListableBeanFactory beanFactory;
  private final Environment environment;
  private final List<AttachedPool> pools = new CopyOnWriteArrayList<>();
  /** Boot's bean instance (the one Spring destroys) to the pool that replaced it (HikariCP 7). */
  private final Map<Object, HikariDataSource> replaced = new IdentityHashMap<>();

  public SecretsDataSourcePostProcessor(ConfigurableListableBeanFactory beanFactory, Environment environment) {
    this.beanFactory = beanFactory;
    this.environment = environment;
  }

  /** One pool that follows a secret. */
  public record AttachedPool(String beanName, String secret, HikariDataSource pool, boolean usesCredentialsProvider) {
    @Override
    public String toString() {
      return "AttachedPool[bean=" + beanName + ", secret=" + secret + ", credentialsProvider=" + usesCredentialsProvider
          + "]";
    }
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (HIKARI_CREDENTIALS_PROVIDER || !(bean instanceof HikariDataSource ds)) {
      return bean;
    }
    SecretsClient client = client();
    if (client == null) {
      return bean;
    }
    String secret = secretName();
    DataSource target = ds.getDataSource() != null ? ds.getDataSource()
        : new DriverDataSource(ds.getJdbcUrl(), ds.getDriverClassName(), ds.getDataSourceProperties(), null, null);
    SecretsDataSource credentials = new SecretsDataSource(client, secret, target, fields(), loginRetry());
    try {
      credentials.secret(); // fail start-up on a missing or malformed secret
    } catch (RuntimeException e) {
      credentials.close();
      throw e;
    }
    ds.setDataSource(credentials);
    ds.setUsername(null);
    ds.setPassword(null);
    pools.add(new AttachedPool(beanName, secret, ds, false));
    LOG.info("Datasource '{}' takes its credentials from secret '{}' (SecretsDataSource, HikariCP 6)", beanName, secret);
    return bean;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (!HIKARI_CREDENTIALS_PROVIDER || !(bean instanceof HikariDataSource ds)) {
      return bean;
    }
    SecretsClient client = client();
    if (client == null) {
      return bean;
    }
    String secret = secretName();
    HikariDataSource pool = Hikari7.pool(client, secret, fields(), loginRetry(), ds);
    synchronized (replaced) {
      replaced.put(bean, pool);
    }
    pools.add(new AttachedPool(beanName, secret, pool, true));
    LOG.info("Datasource '{}' takes its credentials from secret '{}' (SecretsCredentialsProvider, HikariCP 7)",
        beanName, secret);
    return pool;
  }

  @Override
  public boolean requiresDestruction(Object bean) {
    synchronized (replaced) {
      return replaced.containsKey(bean);
    }
  }

  @Override
  public void postProcessBeforeDestruction(Object bean, String beanName) {
    HikariDataSource pool;
    synchronized (replaced) {
      pool = replaced.remove(bean);
    }
    if (pool != null) {
      pool.close();
    }
  }

  @Override
  public void onApplicationEvent(SecretRotatedEvent event) {
    for (AttachedPool p : pools) {
      if (p.secret().equals(event.name())) {
        HikariPoolMXBean mx = p.pool().getHikariPoolMXBean();
        if (mx != null) { // null until the pool has started
          mx.softEvictConnections();
        }
      }
    }
  }

  /** The pools attached so far. */
  public List<AttachedPool> pools() {
    return List.copyOf(pools);
  }

  private SecretsClient client() {
    // the runtime is registered by the context initializer; without it (no config import) pools are left alone
    Object runtime = beanFactory.containsSingleton(SecretsRuntime.BEAN_NAME)
        ? beanFactory.getSingleton(SecretsRuntime.BEAN_NAME) : null;
    return runtime instanceof SecretsRuntime r ? r.client() : null;
  }

  private String secretName() {
    return environment.getRequiredProperty(SpringSettings.DATASOURCE_SECRET);
  }

  private DatabaseSecret.Fields fields() {
    DatabaseSecret.Fields f = DatabaseSecret.Fields.defaults();
    String user = environment.getProperty(SpringSettings.DATASOURCE_USERNAME_FIELD);
    String password = environment.getProperty(SpringSettings.DATASOURCE_PASSWORD_FIELD);
    if (user != null && !user.isBlank()) {
      f = f.username(user.trim());
    }
    if (password != null && !password.isBlank()) {
      f = f.password(password.trim());
    }
    return f;
  }

  /** {@code secrets.jdbc.login-retry} from the Spring environment (30s by default; {@code off} or 0: none). */
  Duration loginRetry() {
    String v = environment.getProperty(LOGIN_RETRY);
    if (v == null || v.isBlank()) {
      return Duration.ofSeconds(30);
    }
    String t = v.trim().toLowerCase(Locale.ROOT);
    if (t.equals("off") || t.equals("0")) {
      return Duration.ZERO;
    }
    try {
      Duration d = DurationStyle.detectAndParse(t);
      if (!d.isNegative()) {
        return d;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new ConfigurationException(LOGIN_RETRY + " must be a duration such as 30s, 500ms or PT30S, or off; was '"
        + v.trim() + "'");
  }

  /** HikariCP 7 types, loaded only when present. */
  private static final class Hikari7 {
    static HikariDataSource pool(SecretsClient client, String secret, DatabaseSecret.Fields fields, Duration loginRetry,
                                 HikariDataSource bootConfig) {
      io.secretsbroker.jdbc.SecretsCredentialsProvider provider = io.secretsbroker.jdbc.SecretsCredentialsProvider
          .builder(client, secret).fields(fields).loginRetry(loginRetry).build();
      return io.secretsbroker.jdbc.SecretsHikari.dataSource(provider, bootConfig);
    }
  }
}
