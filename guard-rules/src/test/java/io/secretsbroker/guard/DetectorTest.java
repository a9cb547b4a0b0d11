package io.secretsbroker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DetectorTest {
  private final Detector detector = Detector.defaults();

  private List<String> rules(String text) {
    return detector.scanText(text).stream().map(d -> d.rule().id()).toList();
  }

  @Test
  void scanText_awsKeyIdInText_detectedWithOffsets() {
    String key = FakeTokens.awsKeyId(1);
    String text = "key = " + key + "\n";
    List<Detection> found = detector.scanText(text);
    assertThat(found).singleElement().satisfies(d -> {
      assertThat(d.rule()).isEqualTo(Rule.AWS_ACCESS_KEY_ID);
      assertThat(text.substring(d.start(), d.end())).isEqualTo(key);
      assertThat(d.masked()).isEqualTo("****");
      assertThat(d.toString()).doesNotContain(key);
    });
  }

  @Test
  void scanText_awsDocumentationKey_notDetected() {
    assertThat(rules(String.join("", "AKIA", "IOSFODNN7", "EXAMPLE"))).isEmpty();
  }

  @Test
  void scanText_signedJwt_detectedButUnsignedIgnored() {
    String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"HS256\"}".getBytes());
    String none = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
    String body = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"sub\":\"1234567890\"}".getBytes());
    String sig = FakeTokens.random(FakeTokens.ALNUM, 43, 4);
    assertThat(rules("Bearer " + header + "." + body + "." + sig)).containsExactly("jwt");
    assertThat(rules("Bearer " + none + "." + body + "." + sig)).isEmpty();
  }

  @Test
  void scanText_urlPasswords_detectedUnlessPlaceholderOrSameAsUser() {
    String pw = "Tq9" + FakeTokens.random(FakeTokens.ALNUM, 9, 5);
    assertThat(rules("postgres://app:" + pw + "@db.internal:5432/orders")).containsExactly("url-password");
    assertThat(rules("postgres://postgres:postgres@localhost:5432/orders")).isEmpty();
    assertThat(rules("postgres://app:${DB_PASSWORD}@db:5432/orders")).isEmpty();
    assertThat(rules("https://user:****@host/")).isEmpty();
  }

  @Test
  void scanText_connectionStringInAnyCase_passwordDetected() {
    String pw = "Tq9" + FakeTokens.random(FakeTokens.ALNUM, 9, 6);
    assertThat(rules("conn = \"Server=db.internal;Database=orders;User Id=app;Password=" + pw + ";\""))
        .containsExactly("jdbc-password");
    assertThat(rules("conn = \"DATA SOURCE=db;USER ID=app;PWD  = " + pw + "\"")).containsExactly("jdbc-password");
    assertThat(rules("conn = \"Server=db;Password=${DB_PASSWORD}\"")).isEmpty();
  }

  @Test
  void isSecretName_secretAndInnocentNames_classifiedCorrectly() {
    assertThat(List.of("DB_PASSWORD", "apiKey", "client-secret", "aws.secret.access.key", "GITHUB_TOKEN",
        "dbPassword", "X-API-KEY", "signingKey", "_authToken", "keystorePassword"))
        .allSatisfy(n -> assertThat(Detector.isSecretName(n)).as(n).isTrue());
    assertThat(List.of("public_key", "client_id", "token_url", "passwordFile", "next_page_token", "tokenizer",
        "secretName", "SECRETS_PROVIDER", "cacheKey", "password_min_length", "PWD", "secretArn"))
        .allSatisfy(n -> assertThat(Detector.isSecretName(n)).as(n).isFalse());
  }

  @Test
  void isPlaceholderOrReference_placeholdersAndReferences_true() {
    assertThat(List.of("${DB}", "{{ db_password }}", "<password>", "changeme", "xxxxxxxx", "",
        "arn:aws:secretsmanager:eu-west-1:123:secret:db", "vault://v:8200/secret/db", "aws://?region=eu-west-1",
        "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)", "ENC(abc)", "my-example-key"))
        .allSatisfy(v -> assertThat(Detector.isPlaceholderOrReference(v)).as(v).isTrue());
    assertThat(Detector.isPlaceholderOrReference("Zk8_" + FakeTokens.random(FakeTokens.ALNUM, 12, 1))).isFalse();
  }

  @Test
  void scanAssignment_genericRule_needsSecretNameAndEntropy() {
    String random = FakeTokens.random(FakeTokens.ALNUM, 24, 2);
    assertThat(detector.scanAssignment("db.password", random)).extracting(d -> d.rule().id())
        .containsExactly("generic-secret");
    assertThat(detector.scanAssignment("db.username", random)).isEmpty();
    assertThat(detector.scanAssignment("db.password", "passwordInput")).isEmpty();
    assertThat(detector.scanAssignment("checksum", "3f786850e387550fdab836ed7e6dc881de23001b")).isEmpty();
    assertThat(detector.scanAssignment("requestToken", "550e8400-e29b-41d4-a716-446655440000")).isEmpty();
  }

  @Test
  void scanAssignment_awsSecretUnderAwsName_specificRule() {
    assertThat(detector.scanAssignment("aws_secret_access_key", FakeTokens.awsSecret(3)))
        .extracting(d -> d.rule().id()).containsExactly("aws-secret-access-key");
  }

  @Test
  void mask_isFourStarsWhateverTheValue_noPrefixNoLength() {
    for (String v : List.of("abc", "abcdefgh", "abcdefghijklmnop", FakeTokens.awsKeyId(2))) {
      assertThat(Detection.mask(v)).isEqualTo("****");
    }
  }

  @Test
  void entropy_ofUniformAndRepeated_asExpected() {
    assertThat(Detector.entropy("aaaa")).isZero();
    assertThat(Detector.entropy("abcd")).isEqualTo(2.0);
  }
}
