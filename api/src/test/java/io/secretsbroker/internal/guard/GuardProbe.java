package io.secretsbroker.internal.guard;

import io.secretsbroker.GuardViolationException;
import java.util.HashMap;
import java.util.Map;

/**
 * A tiny main run in a child JVM by {@link RuntimeGuardProcessTest}: applies the runtime guard to
 * its real environment. Arguments are settings ({@code secrets.guard=warn}). Prints STARTED and
 * exits 0 when the guard lets it start; prints the exception message and exits 3 when it blocks.
 */
public final class GuardProbe {
  private GuardProbe() {}

  public static void main(String[] args) {
    Map<String, String> settings = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      settings.put(a.substring(0, eq), a.substring(eq + 1));
    }
    try {
      RuntimeGuard guard = RuntimeGuard.fromSettings(settings);
      guard.enforce();
      System.out.println("STARTED " + guard.mode());
      System.exit(0);
    } catch (GuardViolationException e) {
      System.out.println("BLOCKED " + e.getMessage());
      System.exit(3);
    }
  }
}
