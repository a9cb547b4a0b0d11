package io.secretsbroker.spring.internal;

import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Rebinds, in place, the {@code @ConfigurationProperties} beans whose properties refer to a
 * rotated secret ({@code app.db.password=${secrets.db.password}}): the bean instance keeps its
 * identity and its setters receive the new values. Beans bound through a constructor (records,
 * {@code @ConstructorBinding}) are immutable and cannot be rebound: they are logged at WARN, and
 * should read the value from the {@code SecretsClient} or listen for the rotation event instead.
 * {@code @Value} fields are injected once and are never rebound.
 *
 * <p>A rebind runs on the thread that saw the rotation; readers of the bean on other threads can
 * see the old and new field values during it (as with Spring Cloud's refresh). Thread-safe.
 */
public final class ConfigurationPropertiesRebinder {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigurationPropertiesRebinder.class);

  private final ApplicationContext context;
  private final ConfigurableEnvironment environment;

  public ConfigurationPropertiesRebinder(ApplicationContext context, ConfigurableEnvironment environment) {
    this.context = context;
    this.environment = environment;
  }

  /** Rebinds the beans that refer to {@code secrets.<name>} and returns how many. */
  public int rebind(String name) {
    Pattern ref = Pattern.compile("\\$\\{secrets\\." + Pattern.quote(name) + "[}.:]");
    int count = 0;
    Map<String, ConfigurationPropertiesBean> beans = ConfigurationPropertiesBean.getAll(context);
    for (ConfigurationPropertiesBean bean : beans.values()) {
      String prefix = bean.getAnnotation().prefix().isEmpty() ? bean.getAnnotation().value() : bean.getAnnotation().prefix();
      if (prefix.isEmpty() || !refersTo(prefix, ref)) {
        continue;
      }
      Bindable<?> target = bean.asBindTarget();
      if (target.getValue() == null) {
        LOG.warn("@ConfigurationProperties bean '{}' refers to secret '{}' but is constructor-bound, so it keeps"
            + " the value it was created with; make it a JavaBean with setters, or read the secret from the"
            + " SecretsClient bean", bean.getName(), name);
        continue;
      }
      Binder.get(environment).bind(prefix, target);
      count++;
      LOG.debug("Rebound @ConfigurationProperties bean '{}' after a rotation of '{}'", bean.getName(), name);
    }
    return count;
  }

  private boolean refersTo(String prefix, Pattern ref) {
    ConfigurationPropertyName root = ConfigurationPropertyName.of(prefix);
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      if (!(source instanceof IterableConfigurationPropertySource iterable)) {
        continue;
      }
      for (ConfigurationPropertyName n : (Iterable<ConfigurationPropertyName>) iterable.stream()::iterator) {
        if (!root.isAncestorOf(n)) {
          continue;
        }
        ConfigurationProperty p = source.getConfigurationProperty(n);
        if (p != null && p.getValue() instanceof CharSequence text && ref.matcher(text).find()) {
          return true;
        }
      }
    }
    return false;
  }
}
