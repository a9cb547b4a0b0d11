package io.secretsbroker.vault;

import static io.secretsbroker.vault.FakeVault.vaultError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.secretsbroker.SecretAccessDeniedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The token kept alive on access: renewal before the TTL ends, a new login when renewal fails or
 * is capped, and one re-login plus one retry when Vault refuses the token. Time moves only by the
 * fake clock; nothing sleeps.
 */
class TokenLifecycleTest {
  @RegisterExtension
  static final FakeVault VAULT = new FakeVault();
  private static final String LOGIN = "/v1/auth/approle/login";
  private static final String RENEW = "/v1/auth/token/renew-self";

  private VaultSecretProvider provider;

  @BeforeEach
  void open() {
    VAULT.seed("db", "pw".getBytes(StandardCharsets.UTF_8));
    provider = VAULT.provider();
  }

  @AfterEach
  void close() {
    provider.close();
  }

  private void read() {
    assertThat(provider.fetch("db").versionId()).isEqualTo("1");
  }

  @Test
  void freshToken_isReusedWithoutRenewal() {
    read();
    VAULT.clock.advance(Duration.ofMinutes(30)); // half of the 1 h TTL
    read();
    read();

    assertThat(VAULT.count("POST", LOGIN)).isEqualTo(1);
    assertThat(VAULT.count("POST", RENEW)).isZero();
  }

  @Test
  void pastTwoThirdsOfTtl_renewsInsteadOfLoggingIn() {
    read();
    VAULT.clock.advance(Duration.ofMinutes(41));
    read();
    VAULT.clock.advance(Duration.ofMinutes(30)); // past the original expiry: only the renewal keeps it alive
    read();

    assertThat(VAULT.count("POST", RENEW)).isEqualTo(1);
    assertThat(VAULT.count("POST", LOGIN)).isEqualTo(1);
  }

  @Test
  void renewalFails_logsInAgain() {
    read();
    VAULT.failOnce(RENEW, vaultError(500, "internal error"));
    VAULT.clock.advance(Duration.ofMinutes(41));

    read();

    assertThat(VAULT.count("POST", RENEW)).isEqualTo(1);
    assertThat(VAULT.count("POST", LOGIN)).isEqualTo(2);
  }

  @Test
  void nonRenewableToken_logsInAgainWithoutTryingRenewal() {
    VAULT.tokenRenewable = false;
    read();
    VAULT.clock.advance(Duration.ofMinutes(41));

    read();

    assertThat(VAULT.count("POST", RENEW)).isZero();
    assertThat(VAULT.count("POST", LOGIN)).isEqualTo(2);
  }

  @Test
  void renewalCappedByMaxTtl_logsInAgain() {
    VAULT.tokenMaxTtl = Duration.ofMinutes(50);
    read();
    VAULT.clock.advance(Duration.ofMinutes(41)); // renewal would buy only 9 minutes

    read();

    assertThat(VAULT.count("POST", RENEW)).isEqualTo(1);
    assertThat(VAULT.count("POST", LOGIN)).isEqualTo(2);
  }

  @Test
  void expiredToken_logsInWithoutRenewal() {
    read();
    VAULT.clock.advance(Duration.ofHours(2)); // the function was frozen past the TTL

    read();

    assertThat(VAULT.count("POST", RENEW)).isZero();
    assertThat(VAULT.count("POST", LOGIN)).isEqualTo(2);
  }

  @Test
  void revokedToken_logsInAgainOnceAndRetries() {
    read();
    VAULT.revokeAllTokens();

    read();

    assertThat(VAULT.count("POST", LOGIN)).isEqualTo(2);
    assertThat(VAULT.count("GET", "/v1/secret/data/db")).isEqualTo(3);
    assertThat(VAULT.count("GET", "/v1/auth/token/lookup-self")).as("the 403 was checked against the token")
        .isEqualTo(1);
  }

  @Test
  void invalidTokenError_logsInAgainWithoutLookup() {
    read();
    VAULT.failOnce("/v1/secret/data/db", vaultError(403, "permission denied", "invalid token"));

    read();

    assertThat(VAULT.count("POST", LOGIN)).isEqualTo(2);
    assertThat(VAULT.count("GET", "/v1/auth/token/lookup-self")).isZero();
  }

  @Test
  void deniedAgainAfterRelogin_isAccessDeniedAfterOneRetry() {
    read();
    VAULT.failAlways("/v1/secret/data/db", vaultError(403, "permission denied", "invalid token"));

    assertThat(catchThrowable(this::read)).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("secret/data/db");
    assertThat(VAULT.count("POST", LOGIN)).isEqualTo(2);
    assertThat(VAULT.count("GET", "/v1/secret/data/db")).isEqualTo(3);
  }

  @Test
  void loginRefusedDuringRelogin_isAccessDeniedNamingTheMethod() {
    read();
    VAULT.revokeAllTokens();
    VAULT.failAlways(LOGIN, vaultError(400, "invalid role or secret ID"));

    assertThat(catchThrowable(this::read)).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("auth=approle").hasMessageContaining("invalid role or secret ID");
  }

  @Test
  void concurrentReadersWithRevokedToken_shareOneRelogin() throws Exception {
    read();
    VAULT.revokeAllTokens();
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Set<String> versions = ConcurrentHashMap.newKeySet();
    try {
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          start.await();
          versions.add(provider.fetch("db").versionId());
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(versions).containsExactly("1");
    assertThat(VAULT.count("POST", LOGIN)).isEqualTo(2);
  }

  @Test
  void close_revokesOwnToken() {
    read();

    provider.close();

    assertThat(VAULT.count("POST", "/v1/auth/token/revoke-self")).isEqualTo(1);
  }
}
