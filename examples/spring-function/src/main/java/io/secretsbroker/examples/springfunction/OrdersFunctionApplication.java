package io.secretsbroker.examples.springfunction;

import io.secretsbroker.SecretsClient;
import java.util.function.Function;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Cloud Function handler whose payment-provider key is a secret:
 * {@code application.properties} imports it ({@code spring.config.import=secretsbroker:payment}) and
 * binds {@code ${secrets.payment.api-key}} into {@link PaymentProperties}, which the starter rebinds
 * when the secret is rotated. Deployed with {@code spring-cloud-function-adapter-aws} (Lambda) or
 * {@code -azure}, the function reads the key with no sidecar and no environment variable.
 */
@SpringBootApplication
@EnableConfigurationProperties(OrdersFunctionApplication.PaymentProperties.class)
public class OrdersFunctionApplication {

  public static void main(String[] args) {
    SpringApplication.run(OrdersFunctionApplication.class, args);
  }

  /** The payment provider's settings; {@code apiKey} comes from the secret and follows rotations. */
  @ConfigurationProperties(prefix = "payment")
  public static class PaymentProperties {
    private String endpoint;
    private String apiKey;

    public String getEndpoint() { return endpoint; }
    public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
    public String getApiKey() { return apiKey; }
    public void setApiKey(String apiKey) { this.apiKey = apiKey; }

    @Override
    public String toString() {
      return "PaymentProperties[endpoint=" + endpoint + ", apiKey=****]";
    }
  }

  /** The handler: accepts an order id and says which key version charged it (never the key). */
  @Bean
  public Function<String, String> placeOrder(PaymentProperties payment, SecretsClient secrets) {
    return orderId -> {
      PaymentGateway gateway = new PaymentGateway(payment.getEndpoint(), payment.getApiKey());
      return "order " + orderId + " charged via " + gateway.endpoint() + " with payment key version "
          + secrets.value("payment").versionId();
    };
  }

  /** Stands in for the payment SDK client the key would be given to. */
  record PaymentGateway(String endpoint, String apiKey) {
    PaymentGateway {
      if (apiKey == null || apiKey.isBlank()) {
        throw new IllegalStateException("payment.api-key is not set: is the 'payment' secret imported?");
      }
    }

    @Override
    public String toString() {
      return "PaymentGateway[endpoint=" + endpoint + ", apiKey=****]";
    }
  }
}
