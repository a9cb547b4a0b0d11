package io.secretsbroker.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.secretsbroker.GuardViolationException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The runtime guard on a real process environment: surefire's {@code guard-env} execution starts
 * this JVM with a secret in {@code PAYMENT_API_KEY} and {@code AWS_LAMBDA_FUNCTION_NAME} set (so
 * the process looks like a Lambda function, where the guard blocks by default). Spring apps are
 * refused before any bean is created, as plain ones are.
 */
@ExtendWith(OutputCaptureExtension.class)
class GuardEnvironmentTest {
  static final String ENV_SECRET_VALUE = "Zq8vL2mX9tR4wK7pN1bYc6"; // secrets-guard:allow the fake value the guard-env execution puts in PAYMENT_API_KEY
  static final AtomicInteger BEANS_CREATED = new AtomicInteger();

  @Configuration(proxyBeanMethods = false)
  @Import(TestApp.class)
  static class CountingApp {
    @Bean
    Object countingBean() {
      BEANS_CREATED.incrementAndGet();
      return new Object();
    }
  }

  @BeforeAll
  static void requireTheEnvironment() {
    assumeTrue(ENV_SECRET_VALUE.equals(System.getenv("PAYMENT_API_KEY")), // secrets-guard:allow the test checks the fake env secret is set
        "run by surefire's guard-env execution, which sets PAYMENT_API_KEY");
    InMemorySecretProvider.named("spring-guard").seed("db", "{\"password\":\"guard-pw\"}"); // secrets-guard:allow test fixture
  }

  static ConfigurableApplicationContext run(String... args) {
    return new SpringApplicationBuilder(CountingApp.class).web(WebApplicationType.NONE).run(args);
  }

  @Test
  void configImport_onAFunctionPlatform_refusesToStart() {
    BEANS_CREATED.set(0);
    Throwable t = catchThrowable(() -> run("--spring.config.import=secretsbroker:db",
        "--secrets.provider=memory://spring-guard", "--secrets.watch.interval=off"));
    GuardViolationException g = StartupTest.find(t, GuardViolationException.class);
    assertThat(g).hasMessageContaining("env:PAYMENT_API_KEY").hasMessageContaining("AWS_LAMBDA_FUNCTION_NAME");
    assertThat(g.getMessage()).doesNotContain(ENV_SECRET_VALUE).doesNotContain(ENV_SECRET_VALUE.substring(0, 6));
    assertThat(BEANS_CREATED).as("refused before the context created any bean").hasValue(0);
  }

  @Test
  void withoutImport_onAFunctionPlatform_refusesBeforeAnyBean() {
    BEANS_CREATED.set(0);
    Throwable t = catchThrowable(() -> run("--secrets.provider=memory://spring-guard", "--secrets.watch.interval=off"));
    assertThat(StartupTest.find(t, GuardViolationException.class)).hasMessageContaining("env:PAYMENT_API_KEY");
    assertThat(BEANS_CREATED).hasValue(0);
  }

  @Test
  void warnMode_startsAndReportsTheVariableWithoutItsValue(CapturedOutput output) {
    try (ConfigurableApplicationContext ctx = run("--spring.config.import=secretsbroker:db",
        "--secrets.provider=memory://spring-guard", "--secrets.guard=warn", "--secrets.watch.interval=off")) {
      assertThat(ctx.getBean(SecretsClient.class).get("db")).contains("guard-pw");
    }
    assertThat(output.getAll()).contains("env:PAYMENT_API_KEY").doesNotContain(ENV_SECRET_VALUE)
        .doesNotContain(ENV_SECRET_VALUE.substring(0, 6));
  }
}
