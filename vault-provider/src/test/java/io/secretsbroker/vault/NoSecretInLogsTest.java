package io.secretsbroker.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Everything the provider logs, through logins, renewals, re-logins, leases and close, holds no value or token. */
class NoSecretInLogsTest {
  @RegisterExtension
  static final FakeVault VAULT = new FakeVault();
  private static final String SENTINEL = "s3ntinel-Value-7f1c9e";

  @Test
  void lifecycle_logsNeitherValuesNorTokens() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      VaultSecretProvider p = VAULT.provider(VAULT.appRole() + "&dynamic=database/creds");
      VAULT.seed("db", SENTINEL.getBytes(StandardCharsets.UTF_8));
      p.fetch("db");
      p.fetch("database/creds/readonly");
      VAULT.clock.advance(Duration.ofMinutes(41));
      p.fetch("db"); // renewal
      VAULT.revokeAllTokens();
      p.fetch("db"); // re-login
      VAULT.failAlways("/v1/sys/leases/revoke", FakeVault.vaultError(403, "permission denied"));
      p.close(); // lease revocation fails: warned
    } finally {
      System.setErr(original);
    }

    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("Logged in to Vault").contains("could not be revoked");
    assertThat(log).doesNotContain(SENTINEL).doesNotContain("hvs.").doesNotContain("pw-");
  }
}
