package io.secretsbroker.spring.it;

import java.util.Map;
import org.springframework.context.ApplicationContext;

/** Reads the secrets health indicator whichever Boot line's health API it implements. */
record Health(String status, Map<String, Object> details, String indicatorClass) {

  @SuppressWarnings("unchecked")
  static Health of(ApplicationContext context) {
    try {
      Object indicator = context.getBean("secretsHealthIndicator");
      Object health = indicator.getClass().getMethod("health").invoke(indicator);
      Object status = health.getClass().getMethod("getStatus").invoke(health);
      String code = (String) status.getClass().getMethod("getCode").invoke(status);
      Map<String, Object> details = (Map<String, Object>) health.getClass().getMethod("getDetails").invoke(health);
      return new Health(code, details, indicator.getClass().getName());
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
