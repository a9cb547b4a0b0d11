package io.secretsbroker.vault;

import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import java.net.URI;
import java.time.Clock;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Serves {@code secrets.provider=vault://vault.internal:8200/secret?auth=aws&role=orders}: host and
 * port of Vault (default 8200), the KV v2 mount as the path (default {@code secret}), and query
 * parameters {@code auth} (aws, azure, kubernetes, jwt, approle, token-file) with that method's own
 * parameters, {@code auth-mount}, {@code namespace}, {@code ca-file}, {@code timeout},
 * {@code dynamic} and {@code tls}. Plain http ({@code vault+http://} or {@code tls=false}) is accepted
 * for loopback hosts only. See docs/providers.md.
 *
 * <p>Found with {@link java.util.ServiceLoader}. Stateless and thread-safe. {@link #create} throws
 * {@link io.secretsbroker.ConfigurationException} for an unknown parameter (naming the nearest valid
 * one), a parameter that does not belong to the auth method, an insecure endpoint or an unreadable
 * {@code ca-file}. It does not log in: the first read does.
 */
public final class VaultSecretProviderFactory implements SecretProviderFactory {

  @Override
  public String scheme() {
    return "vault";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("vault", "vault+http");
  }

  @Override
  public SecretProvider create(ProviderUri uri) {
    VaultSettings settings = VaultSettings.parse(uri);
    Clock clock = Clock.systemUTC();
    return new VaultSecretProvider(settings, VaultHttp.create(settings),
        auth(settings, clock, lazyDefaultCredentials(), System::getenv, AzureAuth.IMDS), clock);
  }

  /** The login method named by {@code auth=}, with its platform sources injectable for tests. */
  static VaultAuth auth(VaultSettings s, Clock clock, AwsCredentialsProvider aws, Function<String, String> env,
      URI imds) {
    return switch (s.method) {
      case AWS -> new AwsIamAuth(s, aws, clock);
      case AZURE -> new AzureAuth(s, env, imds, clock);
      case KUBERNETES, JWT -> new JwtFileAuth(s, clock);
      case APPROLE -> new AppRoleAuth(s, clock);
      case TOKEN_FILE -> new TokenFileAuth(s, clock);
    };
  }

  /** The AWS default chain, built on the first login only (it is not needed by other methods). */
  private static AwsCredentialsProvider lazyDefaultCredentials() {
    return new ResettableCredentials(() -> DefaultCredentialsProvider.builder().build());
  }
}
