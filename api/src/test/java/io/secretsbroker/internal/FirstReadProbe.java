package io.secretsbroker.internal;

import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.SecretProvider;
import java.util.Map;

/**
 * Not a test: a fresh-JVM probe printing the microseconds from building a client to its first
 * value, with the security features at their defaults ({@code on}), audit and metrics
 * {@code off}, or metrics on Micrometer's {@code global} registry. The provider answers in memory,
 * so the figure is the client's own start-up cost. See docs/benchmarks.md for the command.
 */
public final class FirstReadProbe {
  private FirstReadProbe() {}

  public static void main(String[] args) {
    SecretProvider provider = TestClients.inline(name -> "probe-value-1");
    String mode = args.length > 0 ? args[0] : "on";
    Map<String, String> props = switch (mode) {
      case "off" -> Map.of("secrets.audit", "off", "secrets.metrics", "off");
      case "global" -> Map.of("secrets.metrics", "global");
      default -> Map.of();
    };
    long t0 = System.nanoTime();
    try (SecretsClient c = SecretsClient.builder().provider(provider).ambientConfiguration(false).properties(props)
        .build()) {
      c.get("db");
      System.out.println((System.nanoTime() - t0) / 1000);
    }
  }
}
