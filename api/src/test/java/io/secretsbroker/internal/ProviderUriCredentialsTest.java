package io.secretsbroker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.ProviderUri;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strong authentication: no provider URI may carry a credential, for any scheme. */
class ProviderUriCredentialsTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "aws://?region=eu-west-1&access-key=AKIAEXAMPLE",
      "aws://?region=eu-west-1&secret_access_key=abc",
      "aws://?session-token=abc",
      "azure://v.vault.azure.net?client-secret=abc",
      "azure://v.vault.azure.net?clientSecret=abc",
      "vault://vault.internal:8200/secret?token=hvs.abc",
      "vault://vault.internal:8200/secret?auth=approle&role-id=r&secret-id=abc",
      "vault://vault.internal:8200/secret?password=abc",
      "local:///tmp/dev.json?api-key=abc",
      "memory://?pwd=abc",
      "azure://v.vault.azure.net?sig=abc",
      "aws://?auth_token=abc"})
  void parse_credentialInQuery_refusedWithoutEchoingIt(String uri) {
    assertThatThrownBy(() -> ProviderUri.parse(uri))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("never holds credentials")
        .hasMessageContaining("IAM role")
        .hasMessageNotContaining("abc")
        .hasMessageNotContaining("AKIAEXAMPLE");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "aws://?region=eu-west-1&endpoint=http://localhost:4566&stage=AWSCURRENT&profile=dev",
      "azure://v.vault.azure.net?credential=managed-identity&client-id=1234",
      "vault://vault.internal:8200/secret?auth=kubernetes&role=orders&token-file=/var/run/token",
      "vault://vault.internal:8200/secret?auth=approle&role-id=r&secret-id-file=/run/sid",
      "vault://vault.internal:8200/secret?auth=aws&role=orders&header-value=vault.internal&ca-file=/ca.pem",
      "vault://vault.internal:8200/secret?auth=jwt&role=r&jwt-path=/run/jwt&namespace=team"})
  void parse_platformIdentityParameters_accepted(String uri) {
    assertThat(ProviderUri.parse(uri).params()).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"aws://user:pw@host?region=x",
      "vault://root:hunter2@vault.internal:8200/secret"}) // secrets-guard:allow fake credential the parser must refuse
  void parse_userInfo_refused(String uri) {
    assertThatThrownBy(() -> ProviderUri.parse(uri)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("must not carry credentials").hasMessageNotContaining("hunter2");
  }
}
