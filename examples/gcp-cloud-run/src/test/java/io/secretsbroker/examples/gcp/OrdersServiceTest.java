package io.secretsbroker.examples.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The service over real HTTP, with the default client replaced by one over a provider defined here. */
class OrdersServiceTest {
  private static final String PASSWORD = "s3ntinel-Value-7f1c9e"; // secrets-guard:allow test sentinel the no-leak assertions look for
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    SecretsClient previous = Secrets.install(null);
    if (previous != null) {
      previous.close();
    }
  }

  private HttpResponse<String> get(SecretProvider provider) throws Exception {
    Secrets.install(SecretsClient.builder().provider(provider).ambientConfiguration(false)
        .property("secrets.allow", "db").build());
    server = OrdersService.start(0);
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/orders");
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void orders_secretAvailable_answersWithHostOnly() throws Exception {
    HttpResponse<String> r = get(name -> new SecretRecord(name, "3",
        ("postgresql://orders_app:" + PASSWORD + "@10.0.0.5:5432/orders").getBytes(StandardCharsets.UTF_8),
        Instant.EPOCH));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("10.0.0.5").doesNotContain(PASSWORD);
  }

  @Test
  void orders_accessDenied_answers500WithoutDetails() throws Exception {
    HttpResponse<String> r = get(name -> {
      throw new SecretAccessDeniedException("Permission denied on secret 'db'. Grant"
          + " roles/secretmanager.secretAccessor on the secret.");
    });

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).contains("misconfigured").doesNotContain("secretAccessor");
  }

  @Test
  void hostOf_unparsable_doesNotEchoTheValue() {
    assertThat(OrdersService.hostOf("not a url " + PASSWORD)).isEqualTo("(not a URL)");
  }
}
