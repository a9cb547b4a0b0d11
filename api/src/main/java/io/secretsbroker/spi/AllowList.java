package io.secretsbroker.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a configuration's allowlist reaches on the provider side, after the environment's name
 * template and aliases: the input of the guard's policy generator, so the cloud policy and the
 * client's own refusals come from the same {@code secrets.allow} and the same matching rules.
 *
 * @param exact provider-side names ({@code prod/db}, alias targets), sorted, without duplicates
 * @param patterns provider-side patterns with one trailing {@code *} ({@code prod/stripe/*})
 * @param everything whether the allowlist is unset or {@code *}
 * @param envPrefix the environment's fixed prefix ({@code prod/}), empty without an environment
 *
 * <p>Immutable and thread-safe. {@link #from} is the client's own resolution (found through
 * {@link SecretsClientFactory}), so tools never re-implement templates or aliases.
 */
public record AllowList(List<String> exact, List<String> patterns, boolean everything, String envPrefix) {

  /** Copies the lists; null arguments get a {@link NullPointerException} naming them. */
  public AllowList {
    exact = List.copyOf(Objects.requireNonNull(exact, "exact"));
    patterns = List.copyOf(Objects.requireNonNull(patterns, "patterns"));
    Objects.requireNonNull(envPrefix, "envPrefix");
  }

  /**
   * Resolves {@code secrets.allow}, {@code secrets.env}, {@code secrets.name-template} and
   * {@code secrets.alias.*} from these properties only (no ambient configuration).
   *
   * @throws io.secretsbroker.ConfigurationException on an invalid key, template, env or alias
   * @throws NullPointerException when {@code properties} is null
   */
  public static AllowList from(Map<String, String> properties) {
    Objects.requireNonNull(properties, "properties");
    return Implementation.factory().allowList(properties);
  }
}
