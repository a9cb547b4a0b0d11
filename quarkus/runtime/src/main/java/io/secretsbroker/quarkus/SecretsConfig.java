package io.secretsbroker.quarkus;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.util.List;
import java.util.Optional;

/**
 * The {@code secrets.*} configuration as Quarkus reads it (application.properties, profiles,
 * system properties, environment variables): the same keys as plain Java (see the README), read
 * once when the runtime configuration is built.
 *
 * <p>Only the keys the extension itself needs are typed here. Every {@code secrets.*} key found in
 * the Quarkus configuration, typed here or not ({@code secrets.retry.*}, {@code secrets.breaker.*},
 * {@code secrets.guard}, {@code secrets.alias.*}, ...), is handed to the client as it is, so the
 * API checks them all: an unknown key fails start-up with a {@code ConfigurationException} that
 * names the nearest valid key. The only key of the extension's own is {@code secrets.names}.
 *
 * <p>Immutable and thread-safe. It holds no secret, only where to find them.
 */
@ConfigMapping(prefix = "secrets")
public interface SecretsConfig {

  /** {@code secrets.provider}: {@code aws://?region=...}, {@code azure://...}, {@code memory://} ... */
  Optional<String> provider();

  /** {@code secrets.env}: the environment names resolve inside ({@code prod/db}). */
  Optional<String> env();

  /** {@code secrets.allow}: the names the client may read; also the names placeholders resolve. */
  Optional<List<String>> allow();

  /**
   * {@code secrets.names}: the names {@code ${secrets.<name>}} placeholders resolve, when they
   * should be fewer than {@link #allow()}; without it the allowlist decides. The store is never
   * listed.
   */
  Optional<List<String>> names();

  /** {@code secrets.cache.*}. */
  Cache cache();

  /** The {@code secrets.cache.*} keys, durations as ISO-8601 or {@code 500ms}/{@code 30s}/{@code 5m}. */
  interface Cache {
    /** {@code secrets.cache.refresh-after} (default {@code 5m}). */
    @WithName("refresh-after")
    Optional<String> refreshAfter();

    /** {@code secrets.cache.max-stale} (default {@code 1h}). */
    @WithName("max-stale")
    Optional<String> maxStale();

    /** {@code secrets.cache.max-size} (default {@code 1000}). */
    @WithName("max-size")
    Optional<String> maxSize();

    /** {@code secrets.cache.negative-ttl} (default {@code 10s}). */
    @WithName("negative-ttl")
    Optional<String> negativeTtl();
  }
}
