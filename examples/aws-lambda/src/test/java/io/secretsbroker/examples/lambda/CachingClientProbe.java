package io.secretsbroker.examples.lambda;

import com.amazonaws.secretsmanager.caching.SecretCache;
import java.lang.management.ManagementFactory;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * One cold start of the AWS caching client ({@code aws-secretsmanager-caching-java}), mode
 * {@code aws-caching} of {@link ColdStartBenchmark}: a {@link SecretCache} over the same
 * {@code SecretsManagerClient} as {@link ColdStartProbe}'s {@code bare} mode (url-connection HTTP
 * client, default credential chain), so only the caching layer differs; one
 * {@code getSecretString("db")}. Prints {@code aws-caching <chars read> <JVM uptime ms>}. In test
 * sources because the caching client is a test-scoped dependency of this example. A tool, not
 * thread-safe.
 */
public final class CachingClientProbe {
  private CachingClientProbe() {}

  public static void main(String[] args) {
    URI endpoint = URI.create(args[0]);
    SecretsManagerClient sm = SecretsManagerClient.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(endpoint)
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
    int chars;
    try (SecretCache cache = new SecretCache(sm)) {
      chars = cache.getSecretString("db").length();
    }
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
    System.out.println("aws-caching " + (chars > 0 ? "read" : "empty") + " " + uptime);
    System.out.flush();
    System.exit(0);
  }
}
