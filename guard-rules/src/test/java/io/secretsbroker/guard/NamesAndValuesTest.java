package io.secretsbroker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The name and value judgements issue 15 widened: trailing digits, pwd, lower-case values, key=value strings, fakes. */
class NamesAndValuesTest {
  private final Detector detector = Detector.defaults();
  private static final String PW = "Zq7" + FakeTokens.random(FakeTokens.ALNUM, 12, 41);

  private List<String> assigned(String name, String value) {
    return detector.scanAssignment(name, value).stream().map(d -> d.rule().id()).toList();
  }

  @Test
  void isSecretName_trailingDigits_stillASecretName() {
    assertThat(Detector.isSecretName("password2")).isTrue();
    assertThat(Detector.isSecretName("DB_PASSWORD2")).isTrue();
    assertThat(Detector.isSecretName("apiToken2")).isTrue();
    assertThat(Detector.isSecretName("sha256")).isFalse();
  }

  @Test
  void isSecretName_pwd_isAPasswordExceptTheShellsUpperCaseVariable() {
    assertThat(Detector.isSecretName("pwd")).isTrue();
    assertThat(Detector.isSecretName("db.pwd")).isTrue();
    assertThat(Detector.isSecretName("PWD")).isFalse();
    assertThat(Detector.isSecretName("OLDPWD")).isFalse();
  }

  @Test
  void scanAssignment_longVariedLowercaseValue_isNotAnIdentifier() {
    assertThat(assigned("MY_SECRET", "bacdefghijklmnopqrs")).containsExactly("generic-secret");
    assertThat(assigned("MY_SECRET", "internationalization")).isEmpty();
    assertThat(assigned("secretName", "orders-service-database")).isEmpty();
  }

  @Test
  void scanText_keyValueInsideAString_foundWhenAQueryOrFormPair() {
    assertThat(detector.scanText("body = \"login=a&password=xvxf6_gaa\";")).extracting(d -> d.rule().id()) // secrets-guard:allow fake values the rule under test must judge
        .containsExactly("query-credential");
    assertThat(detector.scanText("url = \"https://api/x?token=" + PW + "&user=admin\";")).extracting(d -> d.rule().id())
        .containsExactly("query-credential");
    // a properties line is a keyed assignment, not a query pair
    assertThat(detector.scanText("password=" + PW + "\n")).isEmpty();
    assertThat(detector.scanText("q = \"a=1&password=${DB_PASSWORD}\"")).isEmpty();
  }

  @Test
  void scanAssignment_httpHeaderName_isAnIdentifier() {
    assertThat(assigned("ACCESS_CONTROL_ALLOW_CREDENTIALS", "Access-Control-Allow-Credentials")).isEmpty();
    assertThat(assigned("SEC_TOKEN_BINDING", "Sec-Token-Binding")).isEmpty();
    assertThat(assigned("AUTH_TOKEN_HEADER", "X-Auth-Token")).isEmpty();
    assertThat(assigned("authToken", PW)).containsExactly("generic-secret");
  }

  @Test
  void awsKeyId_inPresignedUrl_notReported_elsewhereReported() {
    String id = "AK" + "IA" + "QZ4RT7WX2NB5KM3P"; // secrets-guard:allow fake key id the pre-signed URL rule under test must judge
    assertThat(detector.scanText("https://b.s3.amazonaws.com/f.jpg?AWSAccessKeyId=" + id + "&Expires=1&Signature=x"))
        .isEmpty();
    assertThat(detector.scanText("?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + id + "%2F20381216%2Fus")).isEmpty();
    assertThat(detector.scanText("aws_access_key_id = " + id)).extracting(d -> d.rule().id())
        .containsExactly("aws-access-key-id");
  }

  @Test
  void methodSelectorsInQueries_notQueryCredentials() {
    // auth= and credential= in a provider URL pick a login method, they hold no secret
    assertThat(detector.scanText("\"vault://vault.internal?auth=aws&role=orders\"")).isEmpty();
    assertThat(detector.scanText("\"azure://vault?credential=managed-identity&client=x\"")).isEmpty();
  }

  @Test
  void wellKnownFakes_fromAnalyzersSamples_notReported() {
    assertThat(detector.scanText("\"user=admin&password=Password123\"")).isEmpty(); // secrets-guard:allow fake values the rule under test must judge
    assertThat(assigned("secret", "Secret_0213456789021345678")).isEmpty();
    assertThat(detector.scanText("http://user:123456@server.com")).isEmpty();
  }

  @Test
  void scanCredentialArgument_shortPasswordAtAClearSink_reported() {
    assertThat(detector.scanCredentialArgument("oups")).extracting(d -> d.rule().id()).containsExactly("hardcoded-credential"); // secrets-guard:allow fake values the rule under test must judge
    assertThat(detector.scanCredentialArgument("xx")).isEmpty();
    assertThat(detector.scanCredentialArgument("${PASSWORD}")).isEmpty();
  }

  @Test
  void scanEnvironment_weakPasswordUnderPasswordName_reported_placeholderNot() {
    assertThat(detector.scanEnvironment("DB_PASS", "admin")).extracting(d -> d.rule().id()).containsExactly("env-secret");
    assertThat(detector.scanEnvironment("DB_PASSWORD2", PW)).extracting(d -> d.rule().id()).containsExactly("env-secret");
    assertThat(detector.scanEnvironment("API_TOKEN", "changeme")).isEmpty();
    assertThat(detector.scanEnvironment("DB_PASS", "${DB_PASS}")).isEmpty();
  }

  @Test
  void isSecretName_secretWordSplitByCamelHump_stillASecretName() {
    assertThat(Detector.isSecretName("variableWithApiKeyInIt")).isTrue();
    assertThat(Detector.isSecretName("stagingApiKeyValue")).isTrue();
    assertThat(Detector.isSecretName("apiKeyName")).isFalse(); // names a key, holds none
    assertThat(Detector.isSecretName("okapiKeyboard")).isFalse();
  }

  @Test
  void scanAssignment_ipv6AddressOrRelativeWordPath_notASecret() {
    assertThat(assigned("tokenIssuerIp", "fd12:3456:789a:1::1")).isEmpty();
    assertThat(assigned("secretHost", "2001:db8:85a3::8a2e:370:7334")).isEmpty();
    assertThat(assigned("secretResource", "src/main/resources/certs/server")).isEmpty();
    assertThat(assigned("secretResource", PW)).containsExactly("generic-secret");
  }

  @Test
  void scanText_pairsSeparatedBySpaceCommaOrBar_andOnePairLiterals_found() {
    assertThat(detector.scanText("dsn = \"host=db port=5432 user=svc password=" + PW + "\";"))
        .extracting(d -> d.rule().id()).containsExactly("query-credential");
    assertThat(detector.scanText("s = \"password=" + PW + ", user=svc\";")).extracting(d -> d.rule().id())
        .containsExactly("query-credential");
    assertThat(detector.scanText("s = \"token=" + PW + "|user=svc\";")).extracting(d -> d.rule().id())
        .containsExactly("query-credential");
    assertThat(detector.scanText("AUTH = \"token=" + PW + "\";")).extracting(d -> d.rule().id())
        .containsExactly("query-credential");
    // a token or secret outside a query string needs a random value; a template or plain word is none
    assertThat(detector.scanText("s = \"secret=disabled user=ops\";")).isEmpty();
    assertThat(detector.scanText("s = \"token=anonymous\";")).isEmpty();
    assertThat(detector.scanText("s = \"password=%s user=ops\";")).isEmpty();
    // properties lines stay keyed assignments, not pairs
    assertThat(detector.scanText("password=" + PW + "\nuser=svc\n")).isEmpty();
  }

  @Test
  void scanCredentialArgument_weakPasswordAtAClearSink_reported_underASetterNameNot() {
    assertThat(detector.scanCredentialArgument("password", true)).extracting(d -> d.rule().id()) // secrets-guard:allow weak value the rule under test must judge
        .containsExactly("hardcoded-credential");
    assertThat(detector.scanCredentialArgument("admin", true)).extracting(d -> d.rule().id()) // secrets-guard:allow weak value the rule under test must judge
        .containsExactly("hardcoded-credential");
    assertThat(detector.scanCredentialArgument("pass")).isEmpty(); // fields.password("pass") may name a field
    assertThat(detector.scanCredentialArgument("changeme", true)).isEmpty();
    assertThat(detector.scanCredentialArgument("<password>", true)).isEmpty();
  }
}
