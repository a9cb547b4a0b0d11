package io.secretsbroker.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.SecretProvider;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Test data built at run time (no credential literal in the sources) and clients for tests. */
final class Fixtures {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger ROLES = new AtomicInteger();

  private Fixtures() {}

  /** A random password (the tests' secrets; the leak checks look for them). */
  static String password() {
    return "Pw" + UUID.randomUUID().toString().replace("-", "");
  }

  /** A fresh role name, unique per JVM. */
  static String role(String prefix) {
    return prefix + "_" + ROLES.incrementAndGet();
  }

  /** The AWS RDS secret shape for the embedded server. */
  static String secret(String username, String password) {
    ObjectNode n = JSON.createObjectNode();
    n.put("username", username);
    n.put("password", password);
    n.put("engine", "postgres");
    n.put("host", "localhost");
    n.put("port", Pg.port());
    n.put("dbname", "postgres");
    return n.toString();
  }

  /** A client over {@code provider} whose listeners run on the thread that saw the new version. */
  static SecretsClient client(SecretProvider provider) {
    return SecretsClient.builder().provider(provider).ambientConfiguration(false).executor(Runnable::run)
        .property("secrets.guard", "off").build();
  }
}
