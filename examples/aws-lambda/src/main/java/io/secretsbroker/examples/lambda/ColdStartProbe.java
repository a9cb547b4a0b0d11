package io.secretsbroker.examples.lambda;

import io.secretsbroker.Secrets;
import io.secretsbroker.aws.AwsSecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.lang.management.ManagementFactory;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * One cold start, for {@code ColdStartBenchmark} (test sources), which starts this class in a
 * fresh JVM per run: it reads secret {@code db} once from the loopback endpoint in {@code args[1]}
 * and prints {@code <mode> <bytes read> <JVM uptime ms>} on one line, then exits.
 *
 * <ul>
 *   <li>{@code bare}: the plain AWS SDK v2 call, same HTTP client (url-connection), default
 *       credential chain: the baseline.
 *   <li>{@code provider}: {@link AwsSecretProvider#fromUri} and one {@code fetch}.
 *   <li>{@code client}: {@code Secrets.get("db")}, the whole client (configuration, guard, cache,
 *       retry), configured by the {@code secrets.provider} system property the harness passes.
 * </ul>
 *
 * <p>Credentials come from the default chain: the harness passes test-only keys in the
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} environment variables, as Lambda does
 * with the execution role's. Not thread-safe; a tool.
 */
public final class ColdStartProbe {
  private ColdStartProbe() {}

  public static void main(String[] args) {
    String mode = args[0];
    URI endpoint = URI.create(args[1]);
    int bytes = switch (mode) {
      case "bare" -> bare(endpoint);
      case "provider" -> provider(endpoint);
      case "client" -> Secrets.get("db").length();
      default -> throw new IllegalArgumentException("mode is bare, provider or client, not " + mode);
    };
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
    // whether a value came back, never its length: nothing of a value reaches the output
    System.out.println(mode + " " + (bytes > 0 ? "read" : "empty") + " " + uptime);
    System.out.flush();
    System.exit(0);
  }

  private static int bare(URI endpoint) {
    try (SecretsManagerClient client = SecretsManagerClient.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(endpoint)
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build()) {
      return client.getSecretValue(b -> b.secretId("db")).secretString().length();
    }
  }

  private static int provider(URI endpoint) {
    try (AwsSecretProvider provider = AwsSecretProvider.fromUri("aws://?region=us-east-1&endpoint=" + endpoint)) {
      SecretRecord r = provider.fetch("db");
      return r.value().length;
    }
  }
}
