package io.secretsbroker.examples.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.jdbc.DatabaseRotation;
import io.secretsbroker.testkit.InMemorySecretProvider;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The handler on an embedded PostgreSQL with real SCRAM logins, across a rotation of its secret. */
class OrdersHandlerTest {

  @Test
  void queriesThroughThePool_andKeepsWorkingAcrossARotation() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectoryCustomizer(d -> {
          try {
            Files.writeString(d.toPath().resolve("pg_hba.conf"), "host all postgres 127.0.0.1/32 trust\n"
                + "host all postgres ::1/128 trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
                + "host all all ::1/128 scram-sha-256\n", StandardCharsets.UTF_8);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }).start()) {
      String password = "Pw" + UUID.randomUUID().toString().replace("-", "");
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
        st.execute("CREATE ROLE orders_fn LOGIN PASSWORD '" + password + "'");
        st.execute("CREATE TABLE orders(id int)");
        st.execute("INSERT INTO orders VALUES (1), (2), (3)");
        st.execute("GRANT SELECT ON orders TO orders_fn");
      }
      ObjectNode secret = new ObjectMapper().createObjectNode().put("username", "orders_fn").put("password", password)
          .put("engine", "postgres").put("host", "localhost").put("port", pg.getPort()).put("dbname", "postgres");
      InMemorySecretProvider store = new InMemorySecretProvider().seed("orders-db", secret.toString());
      SecretsClient client = SecretsClient.builder().provider(store).ambientConfiguration(false)
          .property("secrets.guard", "off").executor(Runnable::run).build();
      SecretsClient previous = Secrets.install(client);
      try {
        OrdersHandler handler = new OrdersHandler();
        assertThat(handler.handleRequest(Map.of(), null)).containsEntry("status", "ok").containsEntry("orders", 3L);
        assertThat(handler.handleRequest(Map.of(), null)).containsEntry("orders", 3L);

        client.rotate("orders-db", DatabaseRotation.singleUser(pg.getPostgresDatabase()));
        long fetches = store.fetchCount("orders-db");
        for (int i = 0; i < 5; i++) { // new connections log in with the new password
          assertThat(handler.handleRequest(Map.of(), null)).containsEntry("orders", 3L);
        }
        assertThat(store.fetchCount("orders-db")).isEqualTo(fetches); // new logins read the cache, not the store
      } finally {
        OrdersHandler.closePool();
        Secrets.install(previous);
        client.close();
      }
    }
  }
}
