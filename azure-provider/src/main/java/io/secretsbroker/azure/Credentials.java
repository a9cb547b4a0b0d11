package io.secretsbroker.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.AzureDeveloperCliCredentialBuilder;
import com.azure.identity.ChainedTokenCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import io.secretsbroker.azure.KeyVaultConfig.CredentialKind;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link TokenCredential} for {@code credential=...}. No choice here reads a client
 * secret: {@code DefaultAzureCredential} is deliberately not used, because its first link
 * ({@code EnvironmentCredential}) reads {@code AZURE_CLIENT_SECRET}. {@code credential=default} is
 * our own chain without it. Building a credential does no I/O; the first token is fetched on the
 * first request. Stateless.
 */
final class Credentials {
  private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);
  static final String CLIENT_SECRET_VARIABLE = "AZURE_CLIENT_SECRET";

  private Credentials() {}

  static TokenCredential create(KeyVaultConfig config, Function<String, String> env) {
    if (env.apply(CLIENT_SECRET_VARIABLE) != null) {
      LOG.warn("{} is set in the environment; Secrets Broker ignores it and signs in to Key Vault {} with"
          + " credential={}. Remove the variable: a client secret in the environment is what this library replaces.",
          CLIENT_SECRET_VARIABLE, config.label(), config.credential().setting);
    }
    CredentialKind kind = config.credential();
    String clientId = config.clientId();
    switch (kind) {
      case MANAGED_IDENTITY:
        return managedIdentity(clientId);
      case WORKLOAD_IDENTITY:
        return workloadIdentity(clientId);
      case CLI:
        return new AzureCliCredentialBuilder().build();
      case DEFAULT:
        ChainedTokenCredentialBuilder chain = new ChainedTokenCredentialBuilder();
        if (env.apply("AZURE_FEDERATED_TOKEN_FILE") != null) {
          chain.addLast(workloadIdentity(clientId));
        }
        return chain.addLast(managedIdentity(clientId))
            .addLast(new AzureCliCredentialBuilder().build())
            .addLast(new AzureDeveloperCliCredentialBuilder().build())
            .build();
      default:
        throw new IllegalStateException("unhandled credential kind " + kind);
    }
  }

  private static TokenCredential managedIdentity(String clientId) {
    ManagedIdentityCredentialBuilder b = new ManagedIdentityCredentialBuilder();
    if (clientId != null) {
      b.clientId(clientId);
    }
    return b.build();
  }

  private static TokenCredential workloadIdentity(String clientId) {
    WorkloadIdentityCredentialBuilder b = new WorkloadIdentityCredentialBuilder();
    if (clientId != null) {
      b.clientId(clientId);
    }
    return b.build();
  }
}
