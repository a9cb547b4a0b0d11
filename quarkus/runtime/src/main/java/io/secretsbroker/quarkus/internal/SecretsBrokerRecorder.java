package io.secretsbroker.quarkus.internal;

import io.quarkus.arc.Arc;
import io.quarkus.credentials.CredentialsProvider;
import io.quarkus.runtime.annotations.Recorder;
import io.secretsbroker.quarkus.SecretsBrokerCredentialsProvider;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Creates, at runtime init, the credentials-provider beans named after a secret (the issue's
 * spelling {@code credentials-provider=secretsbroker}, {@code credentials-provider-name=<secret>};
 * see docs/quarkus.md). Each delegates to the {@code secretsbroker} bean for its one secret,
 * whatever key Quarkus hands it. Stateless; the beans are thread-safe.
 */
@Recorder
public class SecretsBrokerRecorder {

  public Supplier<CredentialsProvider> credentialsFor(String secret) {
    return () -> new SecretCredentials(secret);
  }

  /** The credentials of one secret. */
  static final class SecretCredentials implements CredentialsProvider {
    private final String secret;

    SecretCredentials(String secret) {
      this.secret = secret;
    }

    @Override
    public Map<String, String> getCredentials(String credentialsProviderName) {
      return Arc.container().instance(SecretsBrokerCredentialsProvider.class).get().getCredentials(secret);
    }

    @Override
    public String toString() {
      return "SecretCredentials[" + secret + "]";
    }
  }
}
