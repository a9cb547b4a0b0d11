package io.secretsbroker.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One way of obtaining a Vault token from the platform's identity (an AWS role, an Azure managed
 * identity, a Kubernetes service account, an OIDC token, an AppRole) or, for local development,
 * from a token file. Never from an environment variable.
 *
 * <p>Implementations are thread-safe; {@link TokenManager} calls {@link #login} under its lock.
 * Failures are typed: an identity Vault refuses is {@link io.secretsbroker.SecretAccessDeniedException}
 * naming the role to check, a missing file or credential {@link ConfigurationException}, a transient
 * failure {@link io.secretsbroker.ProviderUnavailableException}.
 */
interface VaultAuth {

  /** Logs in and returns a fresh token. */
  Token login(VaultHttp http);

  /** The method and role, for messages: {@code auth=aws (role orders)}. */
  String describe();

  /**
   * Before a checkpoint: drops any credential this method keeps between logins (a cached SecretID,
   * cloud credentials, instance metadata), so the next login reads the restored environment's
   * identity. The default keeps nothing.
   */
  default void forget() {}

  /** Whether tokens from this method were created for this client, so it revokes them on close. */
  default boolean ownsTokens() {
    return true;
  }

  /**
   * A Vault token and its lifetime. {@code ttl} zero means it never expires (a root or periodic
   * dev token). {@link #toString()} never shows the token.
   */
  record Token(String value, Instant obtainedAt, Duration ttl, boolean renewable) {

    /** From a login or renew answer's {@code auth} block. */
    static Token fromAuth(JsonNode auth, Clock clock, String what) {
      String value = auth.path("client_token").asText("");
      if (value.isEmpty()) {
        throw new SecretsException("Vault answered " + what + " without a client_token; check that the auth"
            + " mount is a login method (auth-mount in secrets.provider).");
      }
      return new Token(value, clock.instant(), Duration.ofSeconds(auth.path("lease_duration").asLong(0)),
          auth.path("renewable").asBoolean(false));
    }

    boolean expires() {
      return !ttl.isZero();
    }

    Instant expiresAt() {
      return obtainedAt.plus(ttl);
    }

    /** Two thirds of the way through its lifetime: time to renew or log in again. */
    Instant renewAt() {
      return obtainedAt.plus(ttl.multipliedBy(2).dividedBy(3));
    }

    @Override
    public String toString() {
      return "Token[****, ttl=" + ttl + ", renewable=" + renewable + "]";
    }
  }

  /** The trimmed text of a credential file; the content never appears in a message. */
  static String readFile(Path path, String setting) {
    String s;
    try {
      s = Files.readString(path, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new ConfigurationException(setting + " " + path + " cannot be read (" + e.getClass().getSimpleName()
          + "). Check the path in secrets.provider and that this process may read it.", e);
    }
    if (s.isEmpty()) {
      throw new ConfigurationException(setting + " " + path + " is empty.");
    }
    return s;
  }
}
