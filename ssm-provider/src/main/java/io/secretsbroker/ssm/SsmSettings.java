package io.secretsbroker.ssm;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The parsed {@code ssm://?region=..&endpoint=..&kms-key=..} URI plus the HTTP timeouts.
 * Immutable. Region may be null (the SDK's default region chain then decides; Lambda sets
 * {@code AWS_REGION}); endpoint is null for the real service; kmsKey is null for the account's
 * default {@code alias/aws/ssm} key.
 */
record SsmSettings(
    String region,
    URI endpoint,
    String kmsKey,
    Duration connectTimeout,
    Duration readTimeout,
    Duration apiCallTimeout) {

  static final Set<String> PARAMS = Set.of("region", "endpoint", "kms-key");
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
  static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(10);

  SsmSettings {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(apiCallTimeout, "apiCallTimeout");
  }

  /** Settings for {@code region} and {@code endpoint} with every other value at its default. */
  static SsmSettings of(String region, URI endpoint) {
    return new SsmSettings(region, endpoint, null, CONNECT_TIMEOUT, READ_TIMEOUT, API_CALL_TIMEOUT);
  }

  SsmSettings withKmsKey(String newKmsKey) {
    return new SsmSettings(region, endpoint, newKmsKey, connectTimeout, readTimeout, apiCallTimeout);
  }

  SsmSettings withReadTimeout(Duration newReadTimeout) {
    return new SsmSettings(region, endpoint, kmsKey, connectTimeout, newReadTimeout, apiCallTimeout);
  }

  /**
   * Reads an {@code ssm://} URI.
   *
   * @throws ConfigurationException on an unknown parameter (naming the nearest valid one), a host
   *     or path part, an endpoint that is not TLS (plain http only to loopback), or a blank or
   *     malformed value
   */
  static SsmSettings parse(ProviderUri uri) {
    uri.requireOnly(PARAMS);
    if (uri.host().isPresent() || !uri.path().isEmpty()) {
      throw new ConfigurationException("secrets.provider '" + uri + "': the ssm:// scheme takes no host or path."
          + " Write the region as a query parameter, e.g. ssm://?region=eu-west-1.");
    }
    String region = optional(uri, "region");
    if (region != null && !region.matches("[a-z0-9-]+")) {
      throw new ConfigurationException("secrets.provider parameter 'region' is '" + region
          + "', which is not an AWS region name such as eu-west-1.");
    }
    String endpointText = optional(uri, "endpoint");
    URI endpoint = endpointText == null ? null
        : Transport.requireSecure(endpointText, "secrets.provider parameter 'endpoint'");
    String kmsKey = optional(uri, "kms-key");
    if (kmsKey != null && (kmsKey.length() > 2048 || !kmsKey.matches("[A-Za-z0-9:/_.\\-]+"))) {
      throw new ConfigurationException("secrets.provider parameter 'kms-key' is not a KMS key reference. Give a"
          + " key id (1234abcd-12ab-34cd-56ef-1234567890ab), a key ARN (arn:aws:kms:eu-west-1:111122223333:key/...),"
          + " an alias (alias/orders) or an alias ARN.");
    }
    // the portable call timeout (secrets.provider.call-timeout) bounds the whole SDK call
    Duration call = uri.callTimeout();
    return new SsmSettings(region, endpoint, kmsKey, min(CONNECT_TIMEOUT, call), min(READ_TIMEOUT, call), call);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
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
