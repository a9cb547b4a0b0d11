package io.secretsbroker.quarkus.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.QuarkusUnitTest;
import io.secretsbroker.quarkus.SecretsBrokerConfig;
import jakarta.inject.Inject;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The extension's keys as a run-time {@code @ConfigMapping}: the mapping is injectable with the
 * configured values, and the client's other {@code secrets.*} keys (valid for the client, not in the
 * mapping) neither fail start-up nor are reported as unrecognised.
 */
class ConfigMappingTest {

  @RegisterExtension
  static final QuarkusUnitTest APP = new QuarkusUnitTest()
      .withEmptyApplication()
      .overrideConfigKey("quarkus.devservices.enabled", "false")
      .overrideConfigKey("quarkus.datasource.active", "false")
      .overrideConfigKey("secrets.provider", "memory://quarkus-mapping")
      .overrideConfigKey("secrets.names", "db,api-key")
      .overrideConfigKey("secrets.cache.refresh-after", "10m")
      .setLogRecordPredicate(r -> r instanceof ExtLogRecord ext && ext.getFormattedMessage().contains("secrets."))
      .assertLogRecords(records -> assertThat(records).noneSatisfy(r ->
          assertThat(((ExtLogRecord) r).getFormattedMessage()).containsIgnoringCase("unrecognized")));

  @Inject
  SecretsBrokerConfig config;

  @Test
  void mapping_holdsTheConfiguredKeys() {
    assertThat(config.provider()).contains("memory://quarkus-mapping");
    assertThat(config.names()).hasValue(java.util.List.of("db", "api-key"));
    assertThat(config.allow()).isEmpty();
    assertThat(config.client()).containsEntry("cache.refresh-after", "10m");
  }
}
