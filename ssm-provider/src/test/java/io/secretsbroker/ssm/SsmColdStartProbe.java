package io.secretsbroker.ssm;

import io.secretsbroker.Secrets;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import java.lang.management.ManagementFactory;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * One cold start, for {@link SsmColdStartBenchmark}, which starts this class in a fresh JVM per
 * run: it reads parameter {@code db} once from the loopback endpoint in {@code args[1]} and prints
 * {@code <mode> <chars read> <JVM uptime ms>} on one line, then exits. Modes: {@code bare} (plain
 * {@code SsmClient.getParameter}, same HTTP client, default credential chain), {@code provider}
 * ({@link SsmSecretProviderFactory} and one {@code fetch}), {@code client} ({@code Secrets.get("db")},
 * the whole client, configured by the {@code secrets.provider} system property). It loads only
 * runtime classes (nothing of WireMock or JUnit). Not thread-safe; a tool.
 */
public final class SsmColdStartProbe {
  private SsmColdStartProbe() {}

  public static void main(String[] args) {
    String mode = args[0];
    URI endpoint = URI.create(args[1]);
    int chars = switch (mode) {
      case "bare" -> bare(endpoint);
      case "provider" -> provider(endpoint);
      case "client" -> Secrets.get("db").length();
      default -> throw new IllegalArgumentException("mode is bare, provider or client, not " + mode);
    };
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
    System.out.println(mode + " " + chars + " " + uptime);
    System.out.flush();
    System.exit(0);
  }

  private static int bare(URI endpoint) {
    try (SsmClient client = SsmClient.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(endpoint)
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build()) {
      return client.getParameter(b -> b.name("db").withDecryption(true)).parameter().value().length();
    }
  }

  private static int provider(URI endpoint) {
    try (SecretProvider provider = new SsmSecretProviderFactory()
        .create(ProviderUri.parse("ssm://?region=us-east-1&endpoint=" + endpoint))) {
      return provider.fetch("db").value().length;
    }
  }
}
