package io.secretsbroker.quarkus.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which configuration keys name a datasource's credentials provider (the build step's key check). */
class CredentialsProviderKeyTest {

  @Test
  void defaultAndNamedDatasources_match() {
    assertThat(SecretsBrokerProcessor.isCredentialsProviderKey("quarkus.datasource.credentials-provider")).isTrue();
    assertThat(SecretsBrokerProcessor.isCredentialsProviderKey("quarkus.datasource.orders.credentials-provider")).isTrue();
    assertThat(SecretsBrokerProcessor.isCredentialsProviderKey("quarkus.datasource.\"my.db\".credentials-provider"))
        .isTrue();
  }

  @Test
  void otherKeys_doNotMatch() {
    assertThat(SecretsBrokerProcessor.isCredentialsProviderKey("quarkus.datasource.credentials-provider-name")).isFalse();
    assertThat(SecretsBrokerProcessor.isCredentialsProviderKey("quarkus.datasource.a.b.credentials-provider")).isFalse();
    assertThat(SecretsBrokerProcessor.isCredentialsProviderKey("quarkus.datasource..credentials-provider")).isFalse();
    assertThat(SecretsBrokerProcessor.isCredentialsProviderKey("quarkus.datasource.\"\".credentials-provider")).isFalse();
    assertThat(SecretsBrokerProcessor.isCredentialsProviderKey("quarkus.datasource.\"a\"b\".credentials-provider"))
        .isFalse();
    assertThat(SecretsBrokerProcessor.isCredentialsProviderKey("quarkus.oidc.credentials-provider")).isFalse();
  }
}
