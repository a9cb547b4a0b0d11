package io.secretsbroker.examples.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The handler with the default client replaced by one over a provider defined here. */
class OrdersFunctionTest {
  private static final String PASSWORD = "s3ntinel-Value-7f1c9e"; // secrets-guard:allow test sentinel the no-leak assertions look for
  private final List<String> logged = new CopyOnWriteArrayList<>();

  @AfterEach
  void restore() {
    SecretsClient previous = Secrets.install(null);
    if (previous != null) {
      previous.close();
    }
  }

  private void useProvider(SecretProvider provider) {
    Secrets.install(SecretsClient.builder().provider(provider).ambientConfiguration(false)
        .property("secrets.allow", "db").build());
  }

  @Test
  void run_secretAvailable_answersWithHostOnly() {
    useProvider(name -> new SecretRecord(name, "v1",
        ("postgresql://orders_app:" + PASSWORD + "@orders-db.internal:5432/orders").getBytes(StandardCharsets.UTF_8),
        Instant.EPOCH));

    HttpResponseMessage response = new OrdersFunction().run(new FakeRequest(), context());

    assertThat(response.getStatus()).isEqualTo(HttpStatus.OK);
    assertThat(response.getBody().toString()).contains("orders-db.internal").doesNotContain(PASSWORD);
  }

  @Test
  void run_accessDenied_answers500AndLogsTheRoleToGrant() {
    useProvider(name -> {
      throw new SecretAccessDeniedException("The identity may not read secret 'db'. Grant it the role"
          + " 'Key Vault Secrets User' scoped to that secret.");
    });

    HttpResponseMessage response = new OrdersFunction().run(new FakeRequest(), context());

    assertThat(response.getStatus()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
    assertThat(logged).anySatisfy(m -> assertThat(m).contains("Key Vault Secrets User"));
  }

  @Test
  void hostOf_unparsable_doesNotEchoTheValue() {
    assertThat(OrdersFunction.hostOf("not a url " + PASSWORD)).isEqualTo("(not a URL)");
  }

  private ExecutionContext context() {
    Logger logger = Logger.getAnonymousLogger();
    logger.setUseParentHandlers(false);
    logger.addHandler(new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    return new ExecutionContext() {
      @Override
      public Logger getLogger() {
        return logger;
      }

      @Override
      public String getInvocationId() {
        return "test-invocation";
      }

      @Override
      public String getFunctionName() {
        return "orders";
      }
    };
  }

  /** The host's request object, reduced to what the handler uses. */
  private static final class FakeRequest implements HttpRequestMessage<Optional<String>> {
    @Override
    public URI getUri() {
      return URI.create("https://orders.azurewebsites.net/api/orders");
    }

    @Override
    public HttpMethod getHttpMethod() {
      return HttpMethod.GET;
    }

    @Override
    public Map<String, String> getHeaders() {
      return Map.of();
    }

    @Override
    public Map<String, String> getQueryParameters() {
      return Map.of();
    }

    @Override
    public Optional<String> getBody() {
      return Optional.empty();
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
      return new FakeResponse(status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
      return new FakeResponse(status);
    }
  }

  private static final class FakeResponse implements HttpResponseMessage.Builder, HttpResponseMessage {
    private HttpStatusType status;
    private final Map<String, String> headers = new HashMap<>();
    private Object body;

    FakeResponse(HttpStatusType status) {
      this.status = status;
    }

    @Override
    public HttpResponseMessage.Builder status(HttpStatusType status) {
      this.status = status;
      return this;
    }

    @Override
    public HttpResponseMessage.Builder header(String key, String value) {
      headers.put(key, value);
      return this;
    }

    @Override
    public HttpResponseMessage.Builder body(Object body) {
      this.body = body;
      return this;
    }

    @Override
    public HttpResponseMessage build() {
      return this;
    }

    @Override
    public HttpStatusType getStatus() {
      return status;
    }

    @Override
    public String getHeader(String key) {
      return headers.get(key);
    }

    @Override
    public Object getBody() {
      return body;
    }
  }
}
