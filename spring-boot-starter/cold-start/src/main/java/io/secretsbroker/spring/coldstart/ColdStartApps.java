package io.secretsbroker.spring.coldstart;

import java.lang.management.ManagementFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.core.env.Environment;

/**
 * The two apps the cold-start harness runs, each in a fresh JVM with only its own integration on
 * the class path: the same Spring Boot app reading the password field of the JSON secret
 * {@code orders-db}, once through {@code spring.config.import=secretsbroker:orders-db} and once
 * through Spring Cloud AWS's {@code spring.config.import=aws-secretsmanager:orders-db}. Each
 * prints {@code FIRST_SECRET_MS=<ms since the JVM started>} when the placeholder has resolved,
 * and whether it resolved to the fixture password the harness serves and passes as the third
 * argument ({@code MATCH=true}: nothing of the value, not even its length), then exits.
 *
 * <p>Usage: {@code java -cp ... ColdStartApps broker|awspring <endpoint> <expected password>}.
 */
public final class ColdStartApps {
  private ColdStartApps() {}

  @SpringBootConfiguration
  @EnableAutoConfiguration
  public static class App {}

  public static void main(String[] args) {
    String which = args[0];
    String endpoint = args[1];
    String expected = args[2];
    String[] props = which.equals("broker")
        ? new String[] {"--spring.config.import=secretsbroker:orders-db",
            "--secrets.provider=aws://?region=us-east-1&endpoint=" + endpoint, "--secrets.watch.interval=off",
            "--app.password=${secrets.orders-db.password}"}
        : new String[] {"--spring.config.import=aws-secretsmanager:orders-db",
            "--spring.cloud.aws.secretsmanager.endpoint=" + endpoint, "--spring.cloud.aws.secretsmanager.region=us-east-1",
            "--spring.cloud.aws.region.static=us-east-1", "--app.password=${password}"};
    SpringApplication app = new SpringApplication(App.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setLogStartupInfo(false);
    Environment env = app.run(props).getEnvironment();
    String password = env.getProperty("app.password");
    long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    System.out.println("FIRST_SECRET_MS=" + ms + " MATCH=" + expected.equals(password));
    System.exit(0);
  }
}
