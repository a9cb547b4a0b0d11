package io.secretsbroker.spi;

import io.secretsbroker.guard.Finding;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the client's runtime guard decides for a configuration and finds in this process's
 * environment and system properties, for integrations that must report the guard's findings
 * through their own logging (Spring Boot's deferred log during config import). The client itself
 * enforces the guard when it is built; this only reports.
 *
 * @param mode the mode in force ({@code secrets.guard}, or its default)
 * @param reason why that mode ({@code secrets.guard=warn}, {@code default on a function platform ...})
 * @param findings what the scan found, whatever the mode (empty when the mode is {@link Mode#OFF});
 *     locations and rules only, never any part of a value
 *
 * <p>Immutable and thread-safe.
 */
public record GuardCheck(Mode mode, String reason, List<Finding> findings) {

  /** The guard's modes. */
  public enum Mode { BLOCK, WARN, OFF }

  /** Copies the findings; null arguments get a {@link NullPointerException} naming them. */
  public GuardCheck {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(reason, "reason");
    findings = List.copyOf(Objects.requireNonNull(findings, "findings"));
  }

  /**
   * The guard's decision for {@code settings} over {@link System#getenv()} and
   * {@link System#getProperties()}.
   *
   * @throws io.secretsbroker.ConfigurationException when {@code secrets.guard} is not block, warn or off
   * @throws NullPointerException when {@code settings} is null
   */
  public static GuardCheck of(Map<String, String> settings) {
    Objects.requireNonNull(settings, "settings");
    return Implementation.factory().guardCheck(settings);
  }

  @Override
  public String toString() {
    return "RuntimeGuard[mode=" + mode.name().toLowerCase(java.util.Locale.ROOT) + ", " + reason + "]";
  }
}
