package io.secretsbroker.quarkus.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.quarkus.test.QuarkusUnitTest;
import io.secretsbroker.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A misspelt {@code secrets.*} key in the Quarkus configuration fails start-up with the nearest valid key. */
class ConfigTypoTest {

  @RegisterExtension
  static final QuarkusUnitTest APP = new QuarkusUnitTest()
      .withEmptyApplication()
      // Agroal is on the test class path for DatasourceRotationTest: no datasource here
      .overrideConfigKey("quarkus.devservices.enabled", "false")
      .overrideConfigKey("quarkus.datasource.active", "false")
      .overrideConfigKey("secrets.provider", "memory://quarkus-typo")
      .overrideConfigKey("secrets.cache.refresh-aftr", "5m")
      .assertException(t -> {
        Throwable e = t;
        while (e != null && !(e instanceof ConfigurationException)) {
          e = e.getCause();
        }
        assertThat(e).as("a ConfigurationException in the cause chain of %s", t).isNotNull();
        assertThat(e.getMessage()).contains("secrets.cache.refresh-aftr").contains("secrets.cache.refresh-after");
      });

  @Test
  void startUp_fails() {
    fail("the application must not start with an unknown secrets.* key");
  }
}
