package io.secretsbroker.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.secretsbroker.SecretsClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A CRaC / SnapStart checkpoint driven through {@code org.crac} (testkit's simulated runtime), over
 * the fake Vault's HTTP API: before the image the provider revokes and forgets its token (with its
 * renewal state), revokes its leases and drops its HTTP client; after restore the next read logs in
 * again.
 */
class VaultCheckpointTest {
  @RegisterExtension
  static final FakeVault VAULT = new FakeVault();
  private static final String LOGIN = "/v1/auth/approle/login";
  private static final String REVOKE_SELF = "/v1/auth/token/revoke-self";

  @BeforeEach
  void requireRuntime() {
    assumeTrue(io.secretsbroker.testkit.crac.Core.isActive(), "the simulated CRaC runtime is not enabled"
        + " (-Dorg.crac.Core.Compat=io.secretsbroker.testkit.crac, set by the parent pom's surefire)");
  }

  @AfterEach
  void resetRuntime() {
    io.secretsbroker.testkit.crac.Core.whileCheckpointed(() -> {});
  }

  private static SecretsClient client(VaultSecretProvider provider) {
    return SecretsClient.builder().provider(provider).ambientConfiguration(false)
        .properties(Map.of("secrets.audit", "off")).build();
  }

  @Test
  void checkpoint_revokesAndForgetsToken_restoreLogsInAgain() throws Exception {
    VAULT.seed("db", "pw-kv".getBytes(StandardCharsets.UTF_8)); // secrets-guard:allow test fixture value
    VaultSecretProvider provider = VAULT.provider();
    AtomicBoolean heldWhileCheckpointed = new AtomicBoolean(true);
    AtomicInteger revokedWhileCheckpointed = new AtomicInteger();
    try (SecretsClient client = client(provider)) {
      assertThat(client.get("db")).isEqualTo("pw-kv");
      assertThat(VAULT.count("POST", LOGIN)).isEqualTo(1);

      io.secretsbroker.testkit.crac.Core.whileCheckpointed(() -> {
        heldWhileCheckpointed.set(provider.holdsAnything());
        revokedWhileCheckpointed.set(VAULT.count("POST", REVOKE_SELF));
      });
      org.crac.Core.checkpointRestore();

      assertThat(heldWhileCheckpointed).as("token, leases and HTTP client dropped before the image").isFalse();
      assertThat(revokedWhileCheckpointed).as("the token was revoked, so no copy of it is worth anything")
          .hasValue(1);
      assertThat(client.get("db")).isEqualTo("pw-kv");
      assertThat(VAULT.count("POST", LOGIN)).as("the read after restore logged in again").isEqualTo(2);
      assertThat(provider.holdsAnything()).isTrue();
    }
  }

  @Test
  void checkpoint_revokesDynamicLeases_restoreReadsANewLease() throws Exception {
    VaultSecretProvider provider = VAULT.provider(VAULT.appRole() + "&dynamic=database/creds");
    try (SecretsClient client = client(provider)) {
      String first = client.value("database/creds/readonly").versionId();

      org.crac.Core.checkpointRestore();

      assertThat(VAULT.revokedLeases).containsExactly(first);
      String second = client.value("database/creds/readonly").versionId();
      assertThat(second).isNotEqualTo(first);
    }
  }

  @Test
  void checkpoint_awsAuth_dropsTheCachedCredentialChain() {
    AtomicInteger built = new AtomicInteger();
    ResettableCredentials creds = new ResettableCredentials(() -> {
      built.incrementAndGet();
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTONLY", "test-only-secret-key"));
    });
    creds.resolveCredentials();
    creds.resolveCredentials();
    assertThat(built).hasValue(1);
    assertThat(creds.holdsChain()).isTrue();

    creds.reset();

    assertThat(creds.holdsChain()).isFalse();
    creds.resolveCredentials();
    assertThat(built).hasValue(2);
  }
}
