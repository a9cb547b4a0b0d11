package io.secretsbroker.aws;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The parsed {@code aws://?region=..&endpoint=..&stage=..&profile=..} URI plus the HTTP timeouts.
 * Immutable. Region and profile may be null (the SDK's default chains then decide); endpoint is
 * null for the real service.
 */
record AwsSettings(
    String region,
    URI endpoint,
    String stage,
    String profile,
    Duration connectTimeout,
    Duration readTimeout,
    Duration apiCallTimeout) {

  static final Set<String> PARAMS = Set.of("region", "endpoint", "stage", "profile");
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
  static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(10);

  AwsSettings {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(apiCallTimeout, "apiCallTimeout");
  }

  /** Settings for {@code region} and {@code endpoint} with every other value at its default. */
  static AwsSettings of(String region, URI endpoint) {
    return new AwsSettings(region, endpoint, AwsSecretProvider.AWSCURRENT, null,
        CONNECT_TIMEOUT, READ_TIMEOUT, API_CALL_TIMEOUT);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  AwsSettings withStage(String newStage) {
    return new AwsSettings(region, endpoint, newStage, profile, connectTimeout, readTimeout, apiCallTimeout);
  }

  AwsSettings withReadTimeout(Duration newReadTimeout) {
    return new AwsSettings(region, endpoint, stage, profile, connectTimeout, newReadTimeout, apiCallTimeout);
  }

  /**
   * Reads an {@code aws://} URI.
   *
   * @throws ConfigurationException on an unknown parameter, a host part, an endpoint that is not
   *     TLS (or plain http to loopback), or a blank or malformed value
   */
  static AwsSettings parse(ProviderUri uri) {
    uri.requireOnly(PARAMS);
    if (uri.host().isPresent() || !uri.path().isEmpty()) {
      throw new ConfigurationException("secrets.provider '" + uri + "': the aws:// scheme takes no host or path."
          + " Write the region as a query parameter, e.g. aws://?region=eu-west-1.");
    }
    String region = optional(uri, "region");
    if (region != null && !region.matches("[a-z0-9-]+")) {
      throw new ConfigurationException("secrets.provider parameter 'region' is '" + region
          + "', which is not an AWS region name such as eu-west-1.");
    }
    String endpointText = optional(uri, "endpoint");
    URI endpoint = endpointText == null ? null
        : Transport.requireSecure(endpointText, "secrets.provider parameter 'endpoint'");
    String stage = optional(uri, "stage");
    if (stage == null) {
      stage = AwsSecretProvider.AWSCURRENT;
    } else if (stage.length() > 256 || stage.chars().anyMatch(Character::isISOControl)) {
      throw new ConfigurationException("secrets.provider parameter 'stage' must be a staging label of 1 to 256"
          + " printable characters, such as AWSCURRENT (the default), AWSPREVIOUS or AWSPENDING.");
    }
    String profile = optional(uri, "profile");
    // the portable call timeout (secrets.provider.call-timeout) bounds the whole SDK call, and each
    // connect and read within it, so a call stuck across a freeze fails soon after the thaw
    Duration call = uri.callTimeout();
    return new AwsSettings(region, endpoint, stage, profile, min(CONNECT_TIMEOUT, call), min(READ_TIMEOUT, call),
        call);
  }

  private static String optional(ProviderUri uri, String key) {
    if (!uri.params().containsKey(key)) {
      return null;
    }
    String v = uri.params().get(key).trim();
    if (v.isEmpty()) {
      throw new ConfigurationException("secrets.provider parameter '" + key + "' is empty. Give it a value or"
          + " leave it out.");
    }
    return v;
  }
}
