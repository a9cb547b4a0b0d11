package io.secretsbroker.quarkus;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The extension's own {@code secrets.*} keys, as a run-time {@code @ConfigMapping} root: the
 * extension annotation processor lists it at compile time and Quarkus generates its
 * implementation at build time, so a packaged application needs no bytecode generation for it.
 * Injected into {@link SecretsClientProducer}.
 *
 * <p>The client's other keys ({@code secrets.cache.refresh-after}, {@code secrets.retry.*}, ...)
 * are mapped as they are ({@link #client()}) and checked by the client itself, which fails start-up
 * on an unknown {@code secrets.*} key with the nearest valid key. The {@code ${secrets.<name>}}
 * placeholders are not configuration keys either (they are resolved by the extension's config
 * source and never enumerated).
 *
 * <p>Immutable once built; thread-safe.
 */
@ConfigMapping(prefix = "secrets")
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
public interface SecretsBrokerConfig {

  /**
   * The store, as a provider URI: {@code aws://?region=eu-west-1}, {@code azure://my-vault},
   * {@code gcp://my-project}, {@code vault://...}, {@code local:///path/secrets.json}, or
   * {@code memory://name} in tests. Without it the extension stays inert.
   */
  Optional<String> provider();

  /**
   * The secret names that {@code ${secrets.<name>}} placeholders may resolve (comma-separated);
   * when absent, {@link #allow()} decides.
   */
  Optional<List<String>> names();

  /**
   * The client's allowlist of secret names ({@code db}, {@code prefix/*}, {@code *}); also which
   * names placeholders may resolve when {@link #names()} is absent.
   */
  Optional<List<String>> allow();

  /**
   * Every other {@code secrets.*} key (the client's: {@code cache.refresh-after}, {@code retry.*},
   * {@code guard.*}, ...), keyed without the {@code secrets.} prefix. They are handed to the client,
   * which checks them: an unknown key fails start-up naming the nearest valid key.
   */
  @WithParentName
  Map<String, String> client();
}
