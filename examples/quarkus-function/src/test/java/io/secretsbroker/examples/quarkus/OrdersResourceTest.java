package io.secretsbroker.examples.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.testkit.InMemorySecretProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OrdersResourceTest {
  static final String KEY_1 = "pk-test-0001-aaaa"; // secrets-guard:allow fake API key of the memory:// test store
  static final String KEY_2 = "pk-test-0002-bbbbbb"; // secrets-guard:allow fake API key of the memory:// test store

  @TestHTTPResource("/orders")
  URI orders;

  @Inject
  SecretsClient secrets;

  @Inject
  @ConfigProperty(name = "payments.api-key")
  Supplier<String> apiKey;

  @Test
  void order_usesTheSecret_andFollowsItsRotation_neverEchoingIt() throws Exception {
    InMemorySecretProvider store = InMemorySecretProvider.named("quarkus-function");
    store.seed("test/payments", "{\"api-key\":\"" + KEY_1 + "\"}");

    String v1 = store.currentVersion("test/payments").orElseThrow(); // memory:// ids are random
    String first = get("/42");
    assertThat(first).isEqualTo("order 42 signed with payments key version " + v1);
    assertThat(KEY_1.equals(apiKey.get())).as("the placeholder resolves to the seeded key").isTrue();

    store.seed("test/payments", "{\"api-key\":\"" + KEY_2 + "\"}");
    secrets.refresh("payments");
    String v2 = store.currentVersion("test/payments").orElseThrow();
    String second = get("/43");
    assertThat(v2).isNotEqualTo(v1);
    assertThat(second).isEqualTo("order 43 signed with payments key version " + v2);
    assertThat(KEY_2.equals(apiKey.get())).as("the placeholder follows the rotation").isTrue();
    assertThat(first + second).doesNotContain(KEY_1).doesNotContain(KEY_2);
  }

  private String get(String path) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(orders + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
