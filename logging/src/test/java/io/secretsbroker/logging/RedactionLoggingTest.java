package io.secretsbroker.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs a cached secret by mistake through Logback and through Log4j2, each configured the way the
 * docs say, and finds it masked. SLF4J itself stays bound to slf4j-simple in this module, so both
 * frameworks are driven through their own APIs.
 */
class RedactionLoggingTest {
  // made up at run time: no credential-looking literal in the sources
  private static final String PASSWORD = "pw-" + java.util.UUID.randomUUID();
  private static final String TOKEN = "tok-" + java.util.UUID.randomUUID();

  @TempDir
  Path dir;

  private static SecretsClient client() {
    InMemorySecretProvider provider = new InMemorySecretProvider()
        .seed("db", "{\"username\":\"app\",\"host\":\"db.internal\",\"password\":\"" + PASSWORD + "\"}")
        .seed("stripe", TOKEN);
    return SecretsClient.builder().provider(provider).ambientConfiguration(false)
        .properties(Map.of("secrets.audit", "off", "secrets.metrics", "off")).build();
  }

  @Test
  void logback_secretLoggedByMistake_isMasked() throws Exception {
    Path file = dir.resolve("logback.log");
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // normally done by Logback's SLF4J binding
    context.putProperty("logfile", file.toString());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try (InputStream config = getClass().getResourceAsStream("/logback-redaction-test.xml")) {
      configurator.doConfigure(config);
    }
    context.start();
    ch.qos.logback.classic.Logger log = context.getLogger("com.acme.Handler");
    try (SecretsClient c = client()) {
      SecretValue db = c.value("db");
      String token = c.get("stripe");
      log.info("connecting as app with password {}", db.field("password"));
      log.info("calling stripe with " + token);
      log.error("driver failed", new IllegalStateException("bad credentials: " + db.field("password")));
      log.info("connecting to {}", db.field("host"));
    } finally {
      context.stop();
    }
    String out = Files.readString(file);
    assertThat(out).contains("connecting as app with password ****").contains("calling stripe with ****")
        .contains("bad credentials: ****").contains("connecting to db.internal");
    assertThat(out).doesNotContain(PASSWORD).doesNotContain(TOKEN);
  }

  @Test
  void log4j2_secretLoggedByMistake_isMasked() throws Exception {
    Path file = dir.resolve("log4j2.log");
    System.setProperty("redaction.log4j.file", file.toString());
    org.apache.logging.log4j.core.LoggerContext context = Configurator.initialize("redaction-test",
        getClass().getClassLoader(), getClass().getResource("/log4j2-redaction-test.xml").toURI());
    try (SecretsClient c = client()) {
      org.apache.logging.log4j.Logger log = context.getLogger("com.acme.Handler");
      log.info("connecting with password {}", c.value("db").field("password"));
      log.warn("token=" + c.get("stripe"));
      log.info("nothing secret here");
    } finally {
      Configurator.shutdown(context);
      System.clearProperty("redaction.log4j.file");
    }
    String out = Files.readString(file);
    assertThat(out).contains("connecting with password ****").contains("token=****").contains("nothing secret here");
    assertThat(out).doesNotContain(PASSWORD).doesNotContain(TOKEN);
    assertThat(LogManager.getContext(false)).isNotSameAs(context);
  }
}
