package io.secretsbroker.spring.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code secrets.allow} patterns as the config import reads them: exact names, {@code prefix/*}
 * and {@code *}, comma-separated. (The client enforces the same list itself on every read.)
 * Immutable; thread-safe.
 */
public final class NamePatterns {
  private final List<String> exact = new ArrayList<>();
  private final List<String> prefixes = new ArrayList<>();
  private final boolean any;

  private NamePatterns(String spec) {
    boolean all = false;
    if (spec != null) {
      for (String raw : spec.split(",")) {
        String p = raw.strip();
        if (p.isEmpty()) {
          continue;
        }
        if (p.equals("*")) {
          all = true;
        } else if (p.endsWith("*")) {
          prefixes.add(p.substring(0, p.length() - 1));
        } else {
          exact.add(p);
        }
      }
    }
    this.any = all;
  }

  /** Parses {@code secrets.allow}; null or blank permits nothing. */
  public static NamePatterns parse(String spec) {
    return new NamePatterns(spec);
  }

  public boolean isEmpty() {
    return !any && exact.isEmpty() && prefixes.isEmpty();
  }

  public boolean matches(String name) {
    if (any || exact.contains(name)) {
      return true;
    }
    for (String p : prefixes) {
      if (name.startsWith(p) && name.length() > p.length()) {
        return true;
      }
    }
    return false;
  }

  /** The names without wildcards. */
  public List<String> exactNames() {
    return List.copyOf(exact);
  }
}
