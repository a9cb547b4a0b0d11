package io.secretsbroker.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.secretsbroker.SecretsClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * A CRaC / SnapStart checkpoint driven through {@code org.crac} (testkit's simulated runtime): the
 * client's resource drops the SDK client, its connections and its cached role credentials, and the
 * first read after restore signs with the restored environment's session, over Secrets Manager's
 * wire protocol on WireMock.
 */
class AwsCheckpointTest {
  private static final String SECRET = "ckpt-Value-3be1a7"; // secrets-guard:allow test fixture value
  @RegisterExtension
  static final FakeSecretsManager AWS = new FakeSecretsManager();

  /** The environment's current role session, as Lambda would hand it out (changes on restore). */
  private final AtomicInteger session = new AtomicInteger(1);
  private final AtomicInteger chainsBuilt = new AtomicInteger();

  /** A chain that resolves once and caches, as the SDK's default chain does. */
  private AwsCredentialsProvider cachingChain() {
    chainsBuilt.incrementAndGet();
    return new AwsCredentialsProvider() {
      private final AtomicReference<AwsCredentials> cached = new AtomicReference<>();

      @Override
      public AwsCredentials resolveCredentials() {
        return cached.updateAndGet(c -> c != null ? c : AwsSessionCredentials.create("AKIDTESTONLY",
            "test-only-secret-key", "session-" + session.get()));
      }
    };
  }

  private static String lastSessionToken() {
    List<LoggedRequest> reqs = AWS.server().findAll(com.github.tomakehurst.wiremock.client.WireMock
        .postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
    return reqs.get(reqs.size() - 1).getHeader("X-Amz-Security-Token");
  }

  @Test
  void checkpoint_dropsSdkClientAndCachedCredentials_restoreSignsWithNewSession() throws Exception {
    assumeTrue(io.secretsbroker.testkit.crac.Core.isActive(), "the simulated CRaC runtime is not enabled"
        + " (-Dorg.crac.Core.Compat=io.secretsbroker.testkit.crac, set by the parent pom's surefire)");
    AWS.seed("db", SECRET.getBytes(StandardCharsets.UTF_8));
    AwsSecretProvider provider = AwsSecretProvider.create(AWS.settings(), this::cachingChain);
    AtomicBoolean liveWhileCheckpointed = new AtomicBoolean(true);
    try (SecretsClient client = SecretsClient.builder().provider(provider).ambientConfiguration(false)
        .properties(Map.of("secrets.audit", "off")).build()) {
      assertThat(client.get("db")).isEqualTo(SECRET);
      assertThat(lastSessionToken()).isEqualTo("session-1");
      assertThat(provider.hasLiveClient()).isTrue();

      io.secretsbroker.testkit.crac.Core.whileCheckpointed(() -> {
        liveWhileCheckpointed.set(provider.hasLiveClient());
        session.set(2); // the clone runs with another role session
      });
      org.crac.Core.checkpointRestore();

      assertThat(liveWhileCheckpointed).as("SDK client and credentials dropped before the image").isFalse();
      int callsBefore = AWS.count("GetSecretValue");
      assertThat(client.get("db")).isEqualTo(SECRET);
      assertThat(AWS.count("GetSecretValue")).as("the cache was wiped: the read goes to the store")
          .isEqualTo(callsBefore + 1);
      assertThat(lastSessionToken()).as("signed with the restored environment's credentials")
          .isEqualTo("session-2");
      assertThat(chainsBuilt).hasValue(2);
      assertThat(provider.sdkBuilds()).isEqualTo(2);
    } finally {
      io.secretsbroker.testkit.crac.Core.whileCheckpointed(() -> {});
    }
  }

  @Test
  void beforeCheckpoint_onClosedProvider_doesNotRebuild() {
    AwsSecretProvider provider = AwsSecretProvider.create(AWS.settings(), this::cachingChain);
    provider.close();
    provider.beforeCheckpoint();
    assertThat(provider.hasLiveClient()).isFalse();
    assertThat(provider.sdkBuilds()).isEqualTo(1);
  }
}
