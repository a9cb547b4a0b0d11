package io.secretsbroker.testkit;

import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives each test its own {@link InMemorySecretProvider}, seeded with the
 * given secrets, and its own {@link SecretsClient} over it, installed as the default client behind
 * {@link Secrets} for the duration of the test:
 *
 * <pre>{@code
 * class OrderHandlerTest {
 *   @RegisterExtension
 *   static SecretsExtension secrets = SecretsExtension.withSecrets(Map.of("db", "pw"));
 *
 *   @Test
 *   void handle_coldStart_readsDbOnce(InMemorySecretProvider provider) {
 *     new OrderHandler().handle(request);          // calls Secrets.get("db")
 *     assertThat(provider.fetchCount("db")).isEqualTo(1);
 *   }
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> Before each test: a new store is seeded, the {@linkplain
 * Builder#configureProvider provider hook} runs, and a client is built with
 * {@code SecretsClient.builder().provider(store).ambientConfiguration(false).properties(...)}, so
 * neither system properties, environment variables nor a {@code secrets.properties} on the test
 * classpath affect it. Unless {@link Builder#installDefault(boolean) installDefault(false)}, it is
 * installed with {@link Secrets#install}. After each test the previous default client is put back
 * and the test's client (and with it the store) is closed, even when the test failed. Seeds are
 * provider-side names: with {@code secrets.env=dev} and the default template, {@code get("db")}
 * reads the seed {@code "dev/db"}.
 *
 * <p><b>Parameters.</b> Test methods and {@code @BeforeEach}/{@code @AfterEach} methods can declare
 * {@link SecretsClient} and {@link InMemorySecretProvider} parameters; {@link #client()} and
 * {@link #provider()} return the same objects.
 *
 * <p><b>Threads.</b> The extension itself is safe to share, but the default {@link Secrets} client
 * is one per JVM: tests that use this extension must not run concurrently with each other or with
 * other tests that use {@link Secrets} (with JUnit's parallel execution, mark them
 * {@code @ResourceLock("io.secretsbroker.Secrets")} or {@code @Execution(SAME_THREAD)}).
 * {@link #client()} and {@link #provider()} return the objects of the test running now.
 */
public final class SecretsExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

  /** The per-test objects, kept in JUnit's store for the test. */
  private record State(InMemorySecretProvider provider, SecretsClient client, boolean installed,
      SecretsClient previous) {}

  private final Map<String, byte[]> seeds;
  private final Map<String, String> properties;
  private final Consumer<InMemorySecretProvider> providerHook;
  private final Consumer<SecretsClient.Builder> clientHook;
  private final boolean installDefault;
  private final ExtensionContext.Namespace namespace;
  private volatile State current;

  private SecretsExtension(Builder b) {
    this.seeds = new LinkedHashMap<>(b.seeds);
    this.properties = Map.copyOf(b.properties);
    this.providerHook = b.providerHook;
    this.clientHook = b.clientHook;
    this.installDefault = b.installDefault;
    this.namespace = ExtensionContext.Namespace.create(SecretsExtension.class, this);
  }

  /** An extension seeding each test's store with {@code secrets} (name to UTF-8 text). */
  public static SecretsExtension withSecrets(Map<String, String> secrets) {
    return builder().secrets(secrets).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The client of the test running now.
   *
   * @throws IllegalStateException outside a test
   */
  public SecretsClient client() {
    return state().client();
  }

  /**
   * The store of the test running now.
   *
   * @throws IllegalStateException outside a test
   */
  public InMemorySecretProvider provider() {
    return state().provider();
  }

  private State state() {
    State s = current;
    if (s == null) {
      throw new IllegalStateException("SecretsExtension has no client outside a test: use client() and provider()"
          + " in test, @BeforeEach or @AfterEach methods.");
    }
    return s;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    InMemorySecretProvider provider = new InMemorySecretProvider();
    seeds.forEach(provider::seed);
    SecretsClient client;
    try {
      providerHook.accept(provider);
      SecretsClient.Builder builder = SecretsClient.builder()
          .provider(provider)
          .ambientConfiguration(false)
          .properties(properties);
      clientHook.accept(builder);
      client = builder.build();
    } catch (RuntimeException | Error e) {
      provider.close();
      throw e;
    }
    SecretsClient previous = installDefault ? Secrets.install(client) : null;
    State state = new State(provider, client, installDefault, previous);
    context.getStore(namespace).put(State.class, state);
    current = state;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    State state = context.getStore(namespace).remove(State.class, State.class);
    if (state == null) {
      return;
    }
    current = null;
    try {
      if (state.installed()) {
        Secrets.install(state.previous());
      }
    } finally {
      state.client().close();
      state.provider().close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == SecretsClient.class || type == InMemorySecretProvider.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    State state = context.getStore(namespace).get(State.class, State.class);
    if (state == null) {
      throw new ParameterResolutionException("SecretsExtension provides " + parameter.getParameter().getType()
          .getSimpleName() + " only to test, @BeforeEach and @AfterEach methods (it builds one per test),"
          + " not to " + parameter.getDeclaringExecutable().getName() + ".");
    }
    return parameter.getParameter().getType() == SecretsClient.class ? state.client() : state.provider();
  }

  @Override
  public String toString() {
    return "SecretsExtension[secrets=" + seeds.keySet() + ", properties=" + properties + "]";
  }

  /** Configures a {@link SecretsExtension}. Not thread-safe; build it once, in a field initializer. */
  public static final class Builder {
    private final Map<String, byte[]> seeds = new LinkedHashMap<>();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private Consumer<InMemorySecretProvider> providerHook = p -> {};
    private Consumer<SecretsClient.Builder> clientHook = b -> {};
    private boolean installDefault = true;

    private Builder() {}

    /** Seeds a secret (UTF-8 text) under its provider-side name. */
    public Builder secret(String name, String value) {
      return secret(name, Objects.requireNonNull(value, "value").getBytes(StandardCharsets.UTF_8));
    }

    /** Seeds a binary secret (copied) under its provider-side name. */
    public Builder secret(String name, byte[] value) {
      seeds.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value").clone());
      return this;
    }

    /** Seeds every entry (name to UTF-8 text). */
    public Builder secrets(Map<String, String> secrets) {
      secrets.forEach(this::secret);
      return this;
    }

    /** A client property ({@code secrets.env}, {@code secrets.allow}, {@code secrets.cache.*}, ...). */
    public Builder property(String key, String value) {
      properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Several client properties. */
    public Builder properties(Map<String, String> values) {
      values.forEach(this::property);
      return this;
    }

    /** Runs on each test's store after seeding, before the client is built (faults, denials, clock). */
    public Builder configureProvider(Consumer<InMemorySecretProvider> hook) {
      this.providerHook = providerHook.andThen(Objects.requireNonNull(hook, "hook"));
      return this;
    }

    /** Runs on each test's client builder before {@code build()} (clock, executor). */
    public Builder configureClient(Consumer<SecretsClient.Builder> hook) {
      this.clientHook = clientHook.andThen(Objects.requireNonNull(hook, "hook"));
      return this;
    }

    /** Whether to install each test's client as the default behind {@link Secrets} (default true). */
    public Builder installDefault(boolean install) {
      this.installDefault = install;
      return this;
    }

    public SecretsExtension build() {
      return new SecretsExtension(this);
    }
  }
}
