package io.secretsbroker.examples.springfunction;

import static org.assertj.core.api.Assertions.assertThat;

import io.secretsbroker.SecretsClient;
import io.secretsbroker.spring.SecretRotatedEvent;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/** The function on memory:// instead of AWS: the key is imported, used, and rotated without a restart. */
@SpringBootTest(properties = {"secrets.provider=memory://orders-fn", "secrets.env=test", "secrets.watch.interval=off"})
class OrdersFunctionApplicationTest {
  static final InMemorySecretProvider STORE = InMemorySecretProvider.named("orders-fn");

  static {
    STORE.seed("test/payment", "{\"api-key\":\"pay-key-one-3f\"}"); // secrets-guard:allow fake key for the example's test
  }

  @Autowired FunctionCatalog catalog;
  @Autowired OrdersFunctionApplication.PaymentProperties payment;
  @Autowired SecretsClient secrets;
  @Autowired ConfigurableApplicationContext context;

  @Test
  void placeOrder_usesTheImportedKey_andFollowsARotation() throws Exception {
    Function<String, String> fn = catalog.lookup("placeOrder");
    String first = fn.apply("o-1");
    assertThat(first).startsWith("order o-1 charged via https://api.payments.example.com")
        .endsWith(STORE.currentVersion("test/payment").orElseThrow()).doesNotContain("pay-key-one-3f");
    assertThat(payment.getApiKey()).isEqualTo("pay-key-one-3f");
    assertThat(payment.toString()).doesNotContain("pay-key-one-3f");

    CountDownLatch rotated = new CountDownLatch(1);
    context.addApplicationListener((ApplicationListener<SecretRotatedEvent>) e -> rotated.countDown());
    STORE.seed("test/payment", "{\"api-key\":\"pay-key-two-9d\"}"); // secrets-guard:allow fake key for the example's test
    secrets.refresh("payment");
    assertThat(rotated.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(payment.getApiKey()).isEqualTo("pay-key-two-9d");
    assertThat(fn.apply("o-2")).endsWith(STORE.currentVersion("test/payment").orElseThrow());
  }
}
