package io.secretsbroker.spring.internal;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** The {@code secrets} health indicator on Spring Boot 3 ({@code org.springframework.boot.actuate.health}). Thread-safe. */
public final class Boot3SecretsHealthIndicator implements HealthIndicator {
  private final SecretsRuntime runtime;

  public Boot3SecretsHealthIndicator(SecretsRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Health health() {
    return (SecretsHealth.up(runtime) ? Health.up() : Health.down()).withDetails(SecretsHealth.details(runtime)).build();
  }
}
