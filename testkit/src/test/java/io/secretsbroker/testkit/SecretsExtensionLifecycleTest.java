package io.secretsbroker.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.SecretsException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs sample test classes through the JUnit engine and checks what the extension did around
 * them: fresh state per test, the default client restored, everything closed, even on failure.
 * The sample classes are static nested classes, which the build's test run does not pick up.
 */
class SecretsExtensionLifecycleTest {
  static final List<InMemorySecretProvider> providers = new CopyOnWriteArrayList<>();
  static final List<SecretsClient> clients = new CopyOnWriteArrayList<>();

  private final InMemorySecretProvider outerStore = new InMemorySecretProvider().seed("db", "outer");
  private SecretsClient outer;
  private SecretsClient before;

  @BeforeEach
  void installOuterDefault() {
    providers.clear();
    clients.clear();
    outer = SecretsClient.builder().provider(outerStore).ambientConfiguration(false).build();
    before = Secrets.install(outer);
  }

  @AfterEach
  void restore() {
    Secrets.install(before);
    outer.close();
  }

  private static final String SAMPLES = "secretsbroker.samples";

  private static EngineExecutionResults run(Class<?> sample) {
    return EngineTestKit.engine("junit-jupiter").configurationParameter(SAMPLES, "true")
        .selectors(selectClass(sample)).execute();
  }

  /** Sample classes run only inside {@link #run}, never on their own (e.g. with -Dtest=SecretsExtension*). */
  static final class OnlyThroughEngineTestKit implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(SAMPLES).isPresent()
          ? ConditionEvaluationResult.enabled("run by SecretsExtensionLifecycleTest")
          : ConditionEvaluationResult.disabled("a sample for SecretsExtensionLifecycleTest");
    }
  }

  @ExtendWith(OnlyThroughEngineTestKit.class)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class Isolation {
    @RegisterExtension
    static SecretsExtension secrets = SecretsExtension.withSecrets(Map.of("db", "pw"));

    @Test
    @Order(1)
    void first(SecretsClient client, InMemorySecretProvider provider) {
      providers.add(provider);
      clients.add(client);
      provider.put("db", "changed");
      provider.seed("extra", "x");
      client.refresh("db");
      assertThat(Secrets.get("db")).isEqualTo("changed");
    }

    @Test
    @Order(2)
    void second(SecretsClient client, InMemorySecretProvider provider) {
      providers.add(provider);
      clients.add(client);
      assertThat(Secrets.get("db")).isEqualTo("pw");
      assertThat(provider.names()).containsExactly("db");
      assertThat(provider.callCount()).isEqualTo(1);
    }
  }

  @Test
  void eachTest_freshStoreAndClient_closedAfterAndDefaultRestored() {
    EngineExecutionResults results = run(Isolation.class);

    results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    assertThat(providers).hasSize(2).doesNotHaveDuplicates().allMatch(InMemorySecretProvider::closed);
    assertThat(clients).hasSize(2).doesNotHaveDuplicates();
    for (SecretsClient c : clients) {
      assertThatThrownBy(() -> c.get("db")).isInstanceOf(SecretsException.class).hasMessageContaining("closed");
    }
    assertThat(Secrets.client()).isSameAs(outer);
    assertThat(Secrets.get("db")).isEqualTo("outer");
  }

  @ExtendWith(OnlyThroughEngineTestKit.class)
  static class FailingTest {
    @RegisterExtension
    static SecretsExtension secrets = SecretsExtension.withSecrets(Map.of("db", "pw"));

    @Test
    void fails(InMemorySecretProvider provider) {
      providers.add(provider);
      throw new AssertionError("the test failed");
    }
  }

  @Test
  void failingTest_stillRestoresDefaultAndCloses() {
    run(FailingTest.class).testEvents().assertStatistics(s -> s.failed(1));

    assertThat(providers).singleElement().matches(InMemorySecretProvider::closed);
    assertThat(Secrets.client()).isSameAs(outer);
  }

  @ExtendWith(OnlyThroughEngineTestKit.class)
  static class Configured {
    @RegisterExtension
    static SecretsExtension secrets = SecretsExtension.builder()
        .secret("dev/db", "dev-pw")
        .secret("dev/bin", new byte[] {0, (byte) 0xff})
        .property("secrets.env", "dev")
        .properties(Map.of("secrets.allow", "db,bin"))
        .configureProvider(p -> p.failNext(InMemorySecretProvider.Operation.FETCH, 1,
            () -> new ProviderUnavailableException("injected")))
        .configureClient(b -> b.executor(Runnable::run))
        .build();

    @Test
    void propertiesAndHooksApplied(InMemorySecretProvider provider) {
      providers.add(provider);
      assertThat(Secrets.get("db")).isEqualTo("dev-pw"); // first fetch failed, the client retried
      assertThat(provider.fetchCount("dev/db")).isEqualTo(2);
      assertThat(Secrets.value("bin").asBytes()).containsExactly(0, 0xff);
      assertThatThrownBy(() -> Secrets.get("other")).isInstanceOf(SecretsException.class)
          .hasMessageContaining("secrets.allow");
    }
  }

  @Test
  void builder_propertiesSeedsAndHooks_applied() {
    run(Configured.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
  }

  @ExtendWith(OnlyThroughEngineTestKit.class)
  static class NotInstalled {
    @RegisterExtension
    static SecretsExtension secrets = SecretsExtension.builder().secret("db", "own").installDefault(false).build();

    @Test
    void facadeUntouched(SecretsClient client) {
      assertThat(client.get("db")).isEqualTo("own");
      assertThat(Secrets.get("db")).isEqualTo("outer");
    }
  }

  @Test
  void installDefaultFalse_facadeUntouched() {
    run(NotInstalled.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
  }

  @ExtendWith(OnlyThroughEngineTestKit.class)
  static class ConstructorParameter {
    @RegisterExtension
    static SecretsExtension secrets = SecretsExtension.withSecrets(Map.of());

    ConstructorParameter(SecretsClient client) {}

    @Test
    void never() {}
  }

  @Test
  void constructorParameter_failsWithClearMessage() {
    run(ConstructorParameter.class).testEvents().assertStatistics(s -> s.failed(1));
    Throwable failure = run(ConstructorParameter.class).testEvents().failed().list().get(0)
        .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();

    assertThat(failure).hasMessageContaining("only to test, @BeforeEach and @AfterEach methods");
    assertThat(Secrets.client()).isSameAs(outer);
  }

  @Test
  void accessors_outsideTest_throwIllegalState() {
    SecretsExtension ext = SecretsExtension.withSecrets(Map.of("db", "pw"));

    assertThatThrownBy(ext::client).isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a test");
    assertThatThrownBy(ext::provider).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void toString_namesSecretsNotValues() {
    assertThat(SecretsExtension.withSecrets(Map.of("db", "hunter2-value")).toString())
        .contains("db").doesNotContain("hunter2");
  }
}
