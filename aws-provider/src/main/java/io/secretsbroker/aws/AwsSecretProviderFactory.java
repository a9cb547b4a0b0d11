package io.secretsbroker.aws;

import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;

/**
 * Serves {@code secrets.provider=aws://?region=eu-west-1}, with the optional query parameters
 * {@code endpoint} (an emulator such as LocalStack; plain {@code http://} only to a loopback host),
 * {@code stage} (the staging label read by {@code fetch}, default {@code AWSCURRENT}) and
 * {@code profile} (a named profile for the default credential chain, for local runs). Credentials
 * always come from the AWS SDK's default provider chain (in Lambda: the execution role); none is
 * ever read from configuration.
 *
 * <p>Found with {@link java.util.ServiceLoader}. Stateless and thread-safe. {@link #create} throws
 * {@link io.secretsbroker.ConfigurationException} for an unknown parameter (naming the nearest
 * valid one), an insecure endpoint, or a region that cannot be resolved.
 */
public final class AwsSecretProviderFactory implements SecretProviderFactory {

  @Override
  public String scheme() {
    return "aws";
  }

  @Override
  public SecretProvider create(ProviderUri uri) {
    return AwsSecretProvider.create(AwsSettings.parse(uri), (software.amazon.awssdk.auth.credentials.AwsCredentialsProvider) null);
  }
}
