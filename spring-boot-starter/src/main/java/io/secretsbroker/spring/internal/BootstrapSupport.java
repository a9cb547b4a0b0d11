package io.secretsbroker.spring.internal;

import java.lang.reflect.Method;
import java.util.function.Supplier;
import org.springframework.boot.context.config.ConfigDataLoaderContext;

/**
 * Shares one {@link SecretsRuntime} between the {@code secretsbroker:} imports of one application
 * through Spring Boot's bootstrap context. The bootstrap types moved package in Boot 4
 * ({@code org.springframework.boot} to {@code org.springframework.boot.bootstrap}), so they are
 * called reflectively by their unchanged method names: one jar serves both lines. Config data is
 * loaded on one thread; stateless.
 */
final class BootstrapSupport {
  private BootstrapSupport() {}

  static SecretsRuntime getOrCreate(ConfigDataLoaderContext context, Supplier<SecretsRuntime> create) {
    Object bootstrap;
    Method isRegistered;
    Method get;
    Method register;
    try {
      bootstrap = ConfigDataLoaderContext.class.getMethod("getBootstrapContext").invoke(context);
      Class<?> type = bootstrap.getClass();
      isRegistered = type.getMethod("isRegistered", Class.class);
      get = type.getMethod("get", Class.class);
      register = null;
      for (Method m : type.getMethods()) {
        if (m.getName().equals("register") && m.getParameterCount() == 2) {
          register = m;
        }
      }
      if (register == null) {
        throw new IllegalStateException("no register(Class, InstanceSupplier) on " + type.getName());
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // an unknown Boot line: one runtime per import still works
      return create.get();
    }
    try {
      if ((Boolean) isRegistered.invoke(bootstrap, SecretsRuntime.class)) {
        return (SecretsRuntime) get.invoke(bootstrap, SecretsRuntime.class);
      }
      SecretsRuntime runtime = create.get();
      Class<?> supplierType = register.getParameterTypes()[1];
      Object supplier = supplierType.getMethod("of", Object.class).invoke(null, runtime);
      register.invoke(bootstrap, SecretsRuntime.class, supplier);
      return runtime;
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException | NoSuchMethodException e) {
      throw new IllegalStateException("Spring Boot's bootstrap context could not be used: " + e, e);
    }
  }
}
