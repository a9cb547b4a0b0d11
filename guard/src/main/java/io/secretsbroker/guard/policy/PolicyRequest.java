package io.secretsbroker.guard.policy;

import io.secretsbroker.ConfigurationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What to generate a policy for: the cloud, the client properties that decide which names the
 * function reads ({@code secrets.allow}, {@code secrets.env}, {@code secrets.name-template},
 * {@code secrets.alias.*}), and the cloud coordinates.
 *
 * @param cloud the target cloud
 * @param clientProperties the function's {@code secrets.*} properties (other keys are dropped)
 * @param region AWS region, or null for {@code *}; for gcp the location of regional secrets, or null
 * @param account AWS account id, or null for {@code *}
 * @param batch whether the function uses batch reads ({@code SecretsClient.values})
 * @param vault Azure Key Vault name
 * @param subscription Azure subscription id, or null for {@code $SUBSCRIPTION_ID}
 * @param resourceGroup Azure resource group, or null for {@code $RESOURCE_GROUP}
 * @param mount Vault KV v2 mount, or null for {@code secret}
 * @param kmsKey SSM: the KMS key that encrypts the parameters (adds {@code kms:Decrypt}), or null
 * @param project Google Cloud project id (gcp), or null for {@code $PROJECT_ID}
 *
 * <p>Immutable and thread-safe; the constructor throws {@link ConfigurationException} when no
 * allowlist is given.
 */
public record PolicyRequest(PolicyGenerator.Cloud cloud, Map<String, String> clientProperties, String region,
    String account, boolean batch, String vault, String subscription, String resourceGroup, String mount,
    String kmsKey, String project) {

  /** Keys of the client configuration that shape the names. */
  private static final String ALIAS = "secrets.alias.";

  public PolicyRequest {
    Objects.requireNonNull(cloud, "cloud");
    Map<String, String> kept = new LinkedHashMap<>();
    clientProperties.forEach((k, v) -> {
      if (k.equals("secrets.allow") || k.equals("secrets.env") || k.equals("secrets.name-template")
          || k.startsWith(ALIAS)) {
        kept.put(k, v);
      }
    });
    if (!kept.containsKey("secrets.allow")) {
      throw new ConfigurationException("No allowlist: pass --allow (e.g. --allow db,stripe/*) or a properties file"
          + " with secrets.allow.");
    }
    clientProperties = Map.copyOf(kept);
  }

  /** A request with neither a KMS key (ssm) nor a Google Cloud project (gcp): aws, azure, vault. */
  public PolicyRequest(PolicyGenerator.Cloud cloud, Map<String, String> clientProperties, String region,
      String account, boolean batch, String vault, String subscription, String resourceGroup, String mount) {
    this(cloud, clientProperties, region, account, batch, vault, subscription, resourceGroup, mount, null, null);
  }
}
