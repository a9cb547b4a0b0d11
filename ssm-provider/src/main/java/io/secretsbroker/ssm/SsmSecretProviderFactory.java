package io.secretsbroker.ssm;

import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;

/**
 * Serves {@code secrets.provider=ssm://?region=eu-west-1}, with the optional query parameters
 * {@code endpoint} (an emulator such as LocalStack, or a VPC endpoint; plain {@code http://} only
 * to a loopback host) and {@code kms-key} (the KMS key that encrypts {@code SecureString}
 * parameters written by rotation; default the account's {@code alias/aws/ssm}). Credentials
 * always come from the AWS SDK's default provider chain (in Lambda: the execution role); none is
 * ever read from configuration.
 *
 * <p>Found with {@link java.util.ServiceLoader}. Stateless and thread-safe. {@link #create} throws
 * {@link io.secretsbroker.ConfigurationException} for an unknown parameter (naming the nearest
 * valid one), an insecure endpoint, a malformed key, or a region that cannot be resolved.
 */
public final class SsmSecretProviderFactory implements SecretProviderFactory {

  @Override
  public String scheme() {
    return "ssm";
  }

  @Override
  public SecretProvider create(ProviderUri uri) {
    return SsmSecretProvider.create(SsmSettings.parse(uri), null);
  }
}
