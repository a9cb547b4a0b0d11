package io.secretsbroker.internal.client;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretNotAllowedException;
import io.secretsbroker.internal.Settings;
import io.secretsbroker.spi.AllowList;
import io.secretsbroker.spi.SecretNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps what a caller asks for ({@code "db"}) to what the provider is asked for
 * ({@code "prod/db"}, or field {@code password} of {@code "prod/orders/db"} through an alias), and
 * enforces the allowlist and environment isolation.
 *
 * <ul>
 *   <li>Template: {@code secrets.name-template}, placeholders {@code {env}} and {@code {name}};
 *       default {@code {env}/{name}} when {@code secrets.env} is set, {@code {name}} otherwise.
 *   <li>Alias: {@code secrets.alias.db=prod/orders/db#password} names the provider-side secret
 *       directly (no template) and optionally a JSON field.
 *   <li>Isolation: every provider-side name, aliases included, must lie inside the environment's
 *       prefix (the template's text before {@code {name}}); an alias outside it fails at start-up,
 *       and {@code ..} segments are refused, so no name can reach another environment.
 *   <li>Allowlist: {@code secrets.allow=db,stripe/*}; exact names, {@code prefix/*}, or {@code *}.
 *       Unset means everything is allowed (a warning is logged when an environment is set).
 * </ul>
 * Immutable and thread-safe.
 */
public final class Names {
  /** A resolved name: the provider-side secret and an optional JSON field. */
  public record Target(String providerName, String field) {}

  private final String prefix;
  private final String suffix;
  private final Map<String, Target> aliases;
  private final Set<String> allowExact;
  private final List<String> allowPrefixes;
  private final boolean allowAll;

  private Names(String prefix, String suffix, Map<String, Target> aliases, Set<String> allowExact,
      List<String> allowPrefixes, boolean allowAll) {
    this.prefix = prefix;
    this.suffix = suffix;
    this.aliases = aliases;
    this.allowExact = allowExact;
    this.allowPrefixes = allowPrefixes;
    this.allowAll = allowAll;
  }

  public static Names from(Settings settings) {
    String env = settings.get(Settings.ENV);
    String template = settings.get(Settings.NAME_TEMPLATE, env == null ? "{name}" : "{env}/{name}");
    int at = template.indexOf("{name}");
    if (at < 0 || template.indexOf("{name}", at + 1) >= 0) {
      throw new ConfigurationException(Settings.NAME_TEMPLATE + "=" + template
          + " must contain {name} exactly once, e.g. {env}/{name}.");
    }
    String stripped = template.replace("{name}", "").replace("{env}", "");
    if (stripped.contains("{") || stripped.contains("}")) {
      throw new ConfigurationException(Settings.NAME_TEMPLATE + "=" + template
          + " has an unknown placeholder; only {env} and {name} are supported.");
    }
    if (template.contains("{env}") && env == null) {
      throw new ConfigurationException(Settings.NAME_TEMPLATE + "=" + template
          + " uses {env} but secrets.env is not set. Set secrets.env (e.g. prod) or drop {env}.");
    }
    String envText = env == null ? "" : env;
    if (env != null && !env.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,62}")) {
      throw new ConfigurationException(Settings.ENV + "=" + env
          + " is not a valid environment name; use letters, digits, '-' and '_' (e.g. prod).");
    }
    String prefix = template.substring(0, at).replace("{env}", envText);
    String suffix = template.substring(at + "{name}".length()).replace("{env}", envText);

    Map<String, Target> aliases = aliases(settings, prefix);

    Set<String> exact = new HashSet<>();
    List<String> prefixes = new ArrayList<>();
    boolean all = false;
    String allow = settings.get(Settings.ALLOW);
    if (allow == null) {
      all = true;
    } else {
      for (String raw : allow.split(",")) {
        String p = raw.trim();
        if (p.isEmpty()) {
          continue;
        }
        if (p.contains("..")) {
          throw new ConfigurationException(Settings.ALLOW + " entry '" + p + "' contains '..', which no secret"
              + " name can (names never step out of their environment), so it would never match. Write the name"
              + " as it is read, e.g. db or stripe/*.");
        }
        if (p.equals("*")) {
          all = true;
        } else if (p.endsWith("/*")) {
          prefixes.add(p.substring(0, p.length() - 1));
        } else if (p.contains("*")) {
          throw new ConfigurationException(Settings.ALLOW + " entry '" + p
              + "' is not supported: use an exact name, a 'prefix/*' pattern, or '*'.");
        } else {
          exact.add(p);
        }
      }
    }
    return new Names(prefix, suffix, Map.copyOf(aliases), Set.copyOf(exact), List.copyOf(prefixes), all);
  }

  /** {@code secrets.alias.*}: each alias's provider-side name and field, inside the environment's prefix. */
  private static Map<String, Target> aliases(Settings settings, String prefix) {
    Map<String, Target> aliases = new LinkedHashMap<>();
    settings.aliases().forEach((alias, target) -> {
      int hash = target.indexOf('#');
      String providerName = hash < 0 ? target : target.substring(0, hash);
      String field = hash < 0 ? null : target.substring(hash + 1);
      if (field != null && field.isEmpty()) {
        throw new ConfigurationException(Settings.ALIAS_PREFIX + alias + "=" + target
            + " has an empty field after '#'. Write name#field, or drop the '#'.");
      }
      try {
        SecretNames.validate(providerName);
      } catch (RuntimeException e) {
        throw new ConfigurationException(Settings.ALIAS_PREFIX + alias + ": " + e.getMessage(), e);
      }
      if (!providerName.startsWith(prefix)) {
        throw new ConfigurationException(Settings.ALIAS_PREFIX + alias + "=" + target
            + " points outside this environment's names (they start with '" + prefix
            + "'). Environment isolation forbids it; point the alias at a secret of this environment.");
      }
      aliases.put(alias, new Target(providerName, field));
    });
    return aliases;
  }

  /** Whether the allowlist lets {@code name} through. */
  public boolean allowed(String name) {
    if (allowAll || allowExact.contains(name)) {
      return true;
    }
    for (String p : allowPrefixes) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  public boolean restricted() {
    return !allowAll;
  }

  /**
   * The provider-side names the allowlist can reach: exact names (aliases resolved) and
   * {@code prefix*suffix} patterns. Used to generate cloud policies from the same configuration.
   */
  public AllowList allowedNames() {
    List<String> exact = new ArrayList<>();
    List<String> patterns = new ArrayList<>();
    if (allowAll) {
      patterns.add(prefix + "*" + suffix);
      aliases.values().forEach(t -> exact.add(t.providerName()));
    } else {
      for (String name : new java.util.TreeSet<>(allowExact)) {
        Target alias = aliases.get(name);
        exact.add(alias != null ? alias.providerName() : SecretNames.validate(prefix + name + suffix));
      }
      for (String p : allowPrefixes) {
        patterns.add(prefix + p + "*" + suffix);
        aliases.forEach((alias, t) -> {
          if (alias.startsWith(p)) {
            exact.add(t.providerName());
          }
        });
      }
    }
    return new AllowList(List.copyOf(new java.util.LinkedHashSet<>(exact)), List.copyOf(patterns), allowAll,
        prefix);
  }

  /**
   * Validates, checks the allowlist and maps a caller's name.
   *
   * @throws SecretNotAllowedException when the allowlist refuses it
   */
  public Target resolve(String name) {
    SecretNames.validate(name);
    if (!allowed(name)) {
      throw new SecretNotAllowedException("Secret '" + name + "' is not in secrets.allow. Add it (or a"
          + " matching 'prefix/*') to secrets.allow and to the function's cloud policy if this access is"
          + " intended.");
    }
    Target alias = aliases.get(name);
    if (alias != null) {
      return alias;
    }
    return new Target(SecretNames.validate(prefix + name + suffix), null);
  }

  @Override
  public String toString() {
    return "Names[prefix=" + prefix + ", suffix=" + suffix + ", aliases=" + aliases.keySet()
        + ", allow=" + (allowAll ? "*" : allowExact + "+" + allowPrefixes) + "]";
  }
}
