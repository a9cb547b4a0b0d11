package io.secretsbroker.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.AzureDeveloperCliCredentialBuilder;
import com.azure.identity.ChainedTokenCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.azure.KeyVaultConfig.CredentialKind;
import java.util.ArrayList;
import java.util.List;
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
  static final String TENANT_ID_VARIABLE = "AZURE_TENANT_ID";
  static final String TOKEN_FILE_VARIABLE = "AZURE_FEDERATED_TOKEN_FILE";
  static final String CLIENT_ID_VARIABLE = "AZURE_CLIENT_ID";

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
        return workloadIdentity(clientId, env, config);
      case CLI:
        return new AzureCliCredentialBuilder().build();
      case EMULATOR:
        // loopback endpoints only (checked by KeyVaultConfig); emulators accept any bearer token
        return request -> reactor.core.publisher.Mono.just(new com.azure.core.credential.AccessToken("emulator",
            java.time.OffsetDateTime.now().plusHours(1)));
      case DEFAULT:
        ChainedTokenCredentialBuilder chain = new ChainedTokenCredentialBuilder();
        if (missingWorkloadVariables(clientId, env).isEmpty()) {
          chain.addLast(workloadIdentity(clientId, env, config));
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

  /**
   * Workload identity from the variables the AKS webhook sets. Its tenant, token file and client id
   * are read through {@code env} (never a secret: the token file is a short-lived federated token).
   *
   * @throws ConfigurationException naming the variables that are missing
   */
  private static TokenCredential workloadIdentity(String clientId, Function<String, String> env,
      KeyVaultConfig config) {
    List<String> missing = missingWorkloadVariables(clientId, env);
    if (!missing.isEmpty()) {
      throw new ConfigurationException("credential=" + config.credential().setting + " for Key Vault " + config.label()
          + " needs the environment variables " + String.join(", ", missing) + ", which the AKS workload identity"
          + " webhook sets on pods whose service account is annotated with azure.workload.identity/client-id."
          + " Label the pod azure.workload.identity/use=true, or choose another credential.");
    }
    return new WorkloadIdentityCredentialBuilder()
        .clientId(clientId != null ? clientId : env.apply(CLIENT_ID_VARIABLE))
        .tenantId(env.apply(TENANT_ID_VARIABLE))
        .tokenFilePath(env.apply(TOKEN_FILE_VARIABLE))
        .build();
  }

  private static List<String> missingWorkloadVariables(String clientId, Function<String, String> env) {
    List<String> missing = new ArrayList<>();
    for (String v : List.of(TENANT_ID_VARIABLE, TOKEN_FILE_VARIABLE)) {
      if (isBlank(env.apply(v))) {
        missing.add(v);
      }
    }
    if (clientId == null && isBlank(env.apply(CLIENT_ID_VARIABLE))) {
      missing.add(CLIENT_ID_VARIABLE + " (or client-id=)");
    }
    return missing;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
