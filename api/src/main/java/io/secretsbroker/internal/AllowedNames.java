package io.secretsbroker.internal;

import io.secretsbroker.internal.client.Names;
import java.util.List;
import java.util.Map;

/**
 * What a configuration's allowlist reaches on the provider side, after the environment's name
 * template and aliases: the input of the guard's policy generator, so the cloud policy and the
 * client's own refusals come from the same {@code secrets.allow}.
 *
 * @param exact provider-side names ({@code prod/db}, alias targets), sorted, without duplicates
 * @param patterns provider-side patterns with one trailing {@code *} ({@code prod/stripe/*})
 * @param everything whether the allowlist is unset or {@code *}
 * @param envPrefix the environment's fixed prefix ({@code prod/}), empty without an environment
 *
 * <p>Immutable and thread-safe.
 */
public record AllowedNames(List<String> exact, List<String> patterns, boolean everything, String envPrefix) {

  /**
   * Resolves {@code secrets.allow}, {@code secrets.env}, {@code secrets.name-template} and
   * {@code secrets.alias.*} from these properties only (no ambient configuration).
   *
   * @throws io.secretsbroker.ConfigurationException on an invalid key, template, env or alias
   */
  public static AllowedNames from(Map<String, String> properties) {
    return Names.from(Settings.of(properties)).allowedNames();
  }
}
