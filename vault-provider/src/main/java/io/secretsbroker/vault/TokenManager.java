package io.secretsbroker.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.secretsbroker.SecretsException;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one Vault token alive, checked on access: serverless functions are frozen between
 * invocations, so there is no timer thread to wake up on time.
 *
 * <p>Design note. {@link #token()} is the hot path: a volatile read and a clock read while the
 * token is within the first two thirds of its TTL. Past that point the first caller takes the lock
 * and renews the token ({@code renew-self}) if it is renewable and not yet expired; if renewal
 * fails, or no longer buys a useful stretch (Vault capped it at the token's max TTL), it logs in
 * again. A call answered 403 goes through {@link #afterDenied}: if the token itself was refused
 * (expired, revoked: Vault says "invalid token", or {@code lookup-self} is refused too) it logs in
 * again once and hands back the new token for one retry; if the token is fine, the 403 is a policy
 * denial and stays one. Logins are serialised by the lock, and a caller that finds a token newer
 * than the one refused uses it instead of logging in again.
 *
 * <p>Time comes from the injected {@link Clock}. Tokens never appear in logs or messages.
 */
final class TokenManager {
  private static final Logger log = LoggerFactory.getLogger(TokenManager.class);

  private final VaultAuth auth;
  private final VaultHttp http;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile VaultAuth.Token current;

  TokenManager(VaultAuth auth, VaultHttp http, Clock clock) {
    this.auth = auth;
    this.http = http;
    this.clock = clock;
  }

  VaultAuth auth() {
    return auth;
  }

  /** A token good to use now, renewing it or logging in first when due. */
  String token() {
    VaultAuth.Token t = current;
    if (t != null && fresh(t)) {
      return t.value();
    }
    lock.lock();
    try {
      t = current;
      if (t == null || !fresh(t)) {
        t = renewOrLogin(t);
        current = t;
      }
      return t.value();
    } finally {
      lock.unlock();
    }
  }

  /**
   * After Vault answered 403 to a call made with {@code used}: a token to retry with when the token
   * itself was refused (logging in again unless another caller already did), or null when the
   * token is valid and the 403 is a policy denial.
   */
  String afterDenied(String used, JsonNode body) {
    if (!refused(used, body)) {
      return null;
    }
    lock.lock();
    try {
      VaultAuth.Token t = current;
      if (t != null && !t.value().equals(used)) {
        return t.value();
      }
      log.info("Vault refused the token (expired or revoked); logging in again with {}", auth.describe());
      t = auth.login(http);
      current = t;
      return t.value();
    } finally {
      lock.unlock();
    }
  }

  private boolean refused(String token, JsonNode body) {
    if (VaultErrors.mentions(body, "invalid token") || VaultErrors.mentions(body, "token is expired")) {
      return true;
    }
    VaultHttp.Response r = http.send("GET", "auth/token/lookup-self", null, token, "checking the Vault token");
    return r.status() == 403 || r.status() == 401;
  }

  private boolean fresh(VaultAuth.Token t) {
    return !t.expires() || clock.instant().isBefore(t.renewAt());
  }

  private VaultAuth.Token renewOrLogin(VaultAuth.Token t) {
    if (t != null && t.renewable() && clock.instant().isBefore(t.expiresAt())) {
      VaultAuth.Token renewed = renew(t);
      if (renewed != null) {
        return renewed;
      }
    }
    VaultAuth.Token fresh = auth.login(http);
    log.info("Logged in to Vault at {} with {}; token TTL {}", http.endpoint().getHost(), auth.describe(),
        fresh.expires() ? fresh.ttl() : "none");
    return fresh;
  }

  /** The renewed token, or null when renewal failed or is no longer worth it. */
  private VaultAuth.Token renew(VaultAuth.Token t) {
    String what = "renewing the Vault token";
    try {
      VaultHttp.Response r = http.send("POST", "auth/token/renew-self", VaultHttp.object(), t.value(), what);
      if (!r.ok()) {
        log.info("Renewing the Vault token failed (HTTP {}); logging in again", r.status());
        return null;
      }
      VaultAuth.Token n = VaultAuth.Token.fromAuth(r.body().path("auth"), clock, what);
      if (n.expires() && n.ttl().compareTo(t.ttl().dividedBy(3)) < 0) {
        log.info("The Vault token is near its max TTL (renewed for only {}); logging in again", n.ttl());
        return null;
      }
      return n;
    } catch (SecretsException e) {
      log.info("Renewing the Vault token failed ({}); logging in again", e.getClass().getSimpleName());
      return null;
    }
  }

  /**
   * Before a checkpoint: revokes the token if this client created it (so a copy left anywhere is
   * worthless) and forgets it, its renewal state with it, and the login method's cached
   * credentials. The next {@link #token()} logs in again. Never throws.
   */
  void forget() {
    close();
    auth.forget();
  }

  /** Whether a token is held, for tests. */
  boolean holdsToken() {
    return current != null;
  }

  /** Revokes the token if this client created it. Best effort; never throws. */
  void close() {
    lock.lock();
    try {
      VaultAuth.Token t = current;
      current = null;
      if (t == null || !auth.ownsTokens() || (t.expires() && !clock.instant().isBefore(t.expiresAt()))) {
        return;
      }
      VaultHttp.Response r = http.send("POST", "auth/token/revoke-self", VaultHttp.object(), t.value(),
          "revoking the Vault token");
      if (!r.ok()) {
        log.debug("Revoking the Vault token returned HTTP {}; it expires on its own", r.status());
      }
    } catch (SecretsException e) {
      log.debug("Revoking the Vault token failed ({}); it expires on its own", e.getClass().getSimpleName());
    } finally {
      lock.unlock();
    }
  }
}
