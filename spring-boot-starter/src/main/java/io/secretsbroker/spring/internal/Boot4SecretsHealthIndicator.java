package io.secretsbroker.spring.internal;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The {@code secrets} health indicator on Spring Boot 4 ({@code org.springframework.boot.health.contributor}). Thread-safe. */
public final class Boot4SecretsHealthIndicator implements HealthIndicator {
  private final SecretsRuntime runtime;

  public Boot4SecretsHealthIndicator(SecretsRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Health health() {
    return (SecretsHealth.up(runtime) ? Health.up() : Health.down()).withDetails(SecretsHealth.details(runtime)).build();
  }
}
