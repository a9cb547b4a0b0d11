/**
 * Secrets Broker's core: the portable API ({@code io.secretsbroker}) and the driver SPI
 * ({@code io.secretsbroker.spi}). The implementation ({@code io.secretsbroker.internal.*}: client,
 * cache, observe, resilience, snapshot, configuration) is not exported; the API finds it through
 * {@link io.secretsbroker.spi.SecretsClientFactory} with {@link java.util.ServiceLoader}.
 *
 * <p>The guard's detection rules are their own module ({@code io.secretsbroker.guard.rules});
 * the runtime guard that applies them at start-up is internal here. The redacting Logback and
 * Log4j2 plugins are the {@code secretsbroker-logging} module.
 * docs/modules.md lists every export and why.
 */
module io.secretsbroker {
  requires com.github.benmanes.caffeine;
  requires io.github.resilience4j.core;
  requires io.github.resilience4j.retry;
  requires io.github.resilience4j.circuitbreaker;
  requires com.fasterxml.jackson.core;
  requires transitive com.fasterxml.jackson.databind; // spi.Json hands out the shared ObjectMapper
  requires org.slf4j;
  requires org.crac;
  requires io.secretsbroker.guard.rules;
  // optional integrations: used only when the application has them
  requires static micrometer.core;

  exports io.secretsbroker;
  exports io.secretsbroker.spi;

  uses io.secretsbroker.spi.SecretsClientFactory;
  uses io.secretsbroker.spi.SecretProviderFactory;
  uses io.secretsbroker.spi.AuditSink;

  provides io.secretsbroker.spi.SecretsClientFactory with io.secretsbroker.internal.client.ClientFactory;
}
