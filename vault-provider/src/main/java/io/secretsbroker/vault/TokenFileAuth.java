package io.secretsbroker.vault;

import io.secretsbroker.SecretAccessDeniedException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Local development only: a token read from {@code token-file} (default {@code ~/.vault-token},
 * where {@code vault login} writes it), looked up once to learn its TTL. Logging in again re-reads
 * the file, so a fresh {@code vault login} is picked up. Refused when {@code secrets.env} is
 * production. The token is the user's: it is never revoked on close. Thread-safe.
 */
final class TokenFileAuth implements VaultAuth {
  private final Path file;
  private final Clock clock;

  TokenFileAuth(VaultSettings s, Clock clock) {
    this.file = Path.of(s.auth("token-file").orElse(System.getProperty("user.home") + "/.vault-token"));
    this.clock = clock;
  }

  @Override
  public Token login(VaultHttp http) {
    String token = VaultAuth.readFile(file, "token-file");
    String what = "looking up the token in " + file;
    VaultHttp.Response r = http.send("GET", "auth/token/lookup-self", null, token, what);
    if (r.ok()) {
      return new Token(token, clock.instant(), Duration.ofSeconds(r.body().path("data").path("ttl").asLong(0)),
          r.body().path("data").path("renewable").asBoolean(false));
    }
    if (VaultErrors.retryable(r.status())) {
      throw VaultErrors.unavailable(r, what);
    }
    throw new SecretAccessDeniedException("Vault does not accept the token in " + file + " (HTTP " + r.status()
        + "): it is invalid, expired or revoked. Run 'vault login' again.");
  }

  @Override
  public String describe() {
    return "auth=token-file (" + file + ")";
  }

  @Override
  public boolean ownsTokens() {
    return false;
  }
}
