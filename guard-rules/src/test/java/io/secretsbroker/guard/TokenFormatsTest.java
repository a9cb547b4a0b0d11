package io.secretsbroker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every vendor format rule finds a token built in the vendor's documented structure, and not its placeholders. */
class TokenFormatsTest {
  private final Detector detector = Detector.defaults();

  record Case(String rule, Function<VendorTokens, String> make) {
    @Override
    public String toString() {
      return rule;
    }
  }

  static List<Case> vendors() {
    return List.of(new Case("sendgrid-key", VendorTokens::sendgrid), new Case("anthropic-key", VendorTokens::anthropic),
        new Case("openai-key", VendorTokens::openai), new Case("1password-service-account-token", VendorTokens::onePassword),
        new Case("age-secret-key", VendorTokens::age), new Case("alibaba-access-key-id", VendorTokens::alibaba),
        new Case("artifactory-token", VendorTokens::artifactory), new Case("asana-token", VendorTokens::asana),
        new Case("azure-ad-client-secret", VendorTokens::azureAdSecret),
        new Case("cloudflare-origin-ca-key", VendorTokens::cloudflareOriginCa), new Case("cohere-key", VendorTokens::cohere),
        new Case("discord-token", VendorTokens::discordBot), new Case("discord-token", VendorTokens::discordWebhook),
        new Case("doppler-token", VendorTokens::doppler), new Case("dynatrace-token", VendorTokens::dynatrace),
        new Case("facebook-token", VendorTokens::facebook), new Case("flutterwave-key", VendorTokens::flutterwave),
        new Case("harness-token", VendorTokens::harness), new Case("heroku-api-key", VendorTokens::herokuUuid),
        new Case("heroku-api-key", VendorTokens::herokuNew), new Case("hubspot-token", VendorTokens::hubspot),
        new Case("mapbox-secret-token", VendorTokens::mapbox), new Case("teams-webhook", VendorTokens::teamsWebhook),
        new Case("notion-token", VendorTokens::notion), new Case("octopus-deploy-api-key", VendorTokens::octopus),
        new Case("snyk-token", VendorTokens::snyk), new Case("sourcegraph-token", VendorTokens::sourcegraph),
        new Case("squarespace-key", VendorTokens::squarespace), new Case("vault-token", VendorTokens::vault),
        new Case("telegram-bot-token", VendorTokens::telegram), new Case("flyio-token", VendorTokens::flyio),
        new Case("atlassian-token", VendorTokens::atlassian), new Case("stripe-webhook-secret", VendorTokens::stripeWebhook),
        new Case("slack-token", VendorTokens::slackBot), new Case("slack-token", VendorTokens::slackUser),
        new Case("slack-token", VendorTokens::slackApp), new Case("slack-token", VendorTokens::slackConfig),
        new Case("github-token", VendorTokens::githubWithChecksum), new Case("npm-token", VendorTokens::npmWithChecksum),
        new Case("pkcs12", VendorTokens::pkcs12Base64), new Case("sonarqube-token", VendorTokens::sonarqube),
        new Case("grafana-token", VendorTokens::grafanaServiceAccount), new Case("figma-token", VendorTokens::figma),
        new Case("planetscale-token", VendorTokens::planetscale), new Case("shippo-token", VendorTokens::shippo),
        new Case("mailgun-key", VendorTokens::mailgun), new Case("riot-api-key", VendorTokens::riot),
        new Case("adafruit-io-key", VendorTokens::adafruit), new Case("ubidots-token", VendorTokens::ubidots),
        new Case("zuplo-key", VendorTokens::zuplo), new Case("postmark-token", VendorTokens::postmark),
        new Case("fcm-server-key", VendorTokens::fcm), new Case("sonarqube-token", VendorTokens::sonarqubeLegacy),
        new Case("linode-token", VendorTokens::linode), new Case("yandex-token", VendorTokens::yandexIam),
        new Case("yandex-token", VendorTokens::yandexOauth), new Case("heroku-api-key", VendorTokens::herokuUuidPrefixed),
        new Case("tencent-secret-id", VendorTokens::tencentSecretId), new Case("alchemy-api-key", VendorTokens::alchemyUrl),
        new Case("slack-token", VendorTokens::slackBotLongerTail));
  }

  @ParameterizedTest
  @MethodSource("vendors")
  void scanText_vendorFormat_foundInCodeConfigAndProse(Case c) {
    for (long seed = 1; seed <= 20; seed++) {
      String token = c.make().apply(new VendorTokens(seed * 31 + c.rule().hashCode()));
      for (String text : List.of("value = \"" + token + "\";", "export X='" + token + "'", "see " + token + " here")) {
        List<Detection> found = detector.scanText(text);
        assertThat(found).as(c.rule() + " in " + text.replace(token, "<token>")).extracting(d -> d.rule().id())
            .contains(c.rule());
        assertThat(found.get(0).toString()).doesNotContain(token);
      }
    }
  }

  @Test
  void sonarqubeLegacy_keyValueShapesOfBuildFiles_found() {
    String hex = FakeTokens.random("0123456789abcdef", 40, 7);
    for (String text : List.of("<property name=\"sonar.login\" value=\"" + hex + "\" />",
        "- name: SONAR_LOGIN\n  value: " + hex, "setx \"SONAR_TOKEN\" \"" + hex + "\"",
        "property \"sonar.login\", \"" + hex + "\"", "mvn sonar:sonar -Dsonar.login=" + hex)) {
      assertThat(rules(text)).as(text.replace(hex, "<hex>")).contains("sonarqube-token");
    }
  }

  @Test
  void contextTokens_placeholdersAndUnrelatedHex_notReported() {
    String sha = FakeTokens.random("0123456789abcdef", 40, 8);
    assertThat(rules("sonar.login=" + "x".repeat(40))).doesNotContain("sonarqube-token");
    assertThat(rules("sonar.login=sonarqube_token")).doesNotContain("sonarqube-token");
    assertThat(rules("sonar-scanner built " + sha)).doesNotContain("sonarqube-token");
    assertThat(rules("LINODE_TOKEN=" + "0".repeat(64))).doesNotContain("linode-token");
    assertThat(rules("linode release " + FakeTokens.random("0123456789abcdef", 64, 9))).doesNotContain("linode-token");
    assertThat(rules("Authorization: Bearer " + String.join("", "t", "1.") + "7euelSbPy")).doesNotContain("yandex-token");
    assertThat(rules("Authorization: Bearer " + String.join("", "y", "3_") + "redacted-"
        + FakeTokens.random(FakeTokens.ALNUM, 46, 10))).doesNotContain("yandex-token");
    assertThat(rules("py3_suffix")).doesNotContain("yandex-token");
    assertThat(rules("TENCENTCLOUD_SECRET_ID=" + String.join("", "AK", "ID") + "OaWCckbC" + "0".repeat(28)))
        .doesNotContain("tencent-secret-id");
    String alchemy = "https://eth-ropsten." + String.join("", "alchemy", "api.io") + "/v2/";
    assertThat(rules(alchemy + "X".repeat(32))).doesNotContain("alchemy-api-key");
    assertThat(rules(alchemy + "your-api-key")).doesNotContain("alchemy-api-key");
  }

  private List<String> rules(String text) {
    return detector.scanText(text).stream().map(d -> d.rule().id()).toList();
  }

  @Test
  void github_checksumValid_isLive_invalidStillReportedButNotLive() {
    for (long seed = 1; seed <= 50; seed++) {
      VendorTokens t = new VendorTokens(seed);
      assertThat(detector.scanText(t.githubWithChecksum())).singleElement().satisfies(d -> assertThat(d.live()).isTrue());
      assertThat(detector.scanText(t.githubWithoutChecksum())).singleElement()
          .satisfies(d -> assertThat(d.live()).isFalse());
    }
  }

  @Test
  void slack_placeholdersWithoutRealStructure_notReported() {
    assertThat(detector.scanText("token: xoxb-12345-abcd234")).isEmpty();
    assertThat(detector.scanText("SLACK=xoxp-0000000000-0000000000-####")).isEmpty();
    assertThat(detector.scanText("xoxe.xoxp-1-RANDOMSTRINGHERE")).isEmpty();
    assertThat(detector.scanText("xoxb-your-bot-token-here")).isEmpty();
  }

  @Test
  void prefixedVendors_placeholdersAndWords_notReported() {
    assertThat(detector.scanText("sonar.login=" + VendorTokens.p("sq", "p_") + "0".repeat(40))).isEmpty();
    assertThat(detector.scanText("MAILGUN=" + VendorTokens.p("ke", "y-") + "x".repeat(32))).isEmpty();
    assertThat(detector.scanText("api key-management-service-configuration")).isEmpty();
    assertThat(detector.scanText("token: " + VendorTokens.p("fi", "gd_") + "your_personal_access_token_here_abcdefgh"))
        .isEmpty();
    assertThat(detector.scanText("POSTMARK_API_TEST")).isEmpty();
    assertThat(detector.scanText("api = " + VendorTokens.p("RG", "API-") + "01234567-89ab-cdef-0123-456789abcdef")).isEmpty();
  }

  @Test
  void uuidVendors_needTheVendorsName() {
    VendorTokens t = new VendorTokens(7);
    assertThat(detector.scanText("request_id = " + t.uuid())).isEmpty();
    assertThat(detector.scanText("trace: " + t.uuid())).isEmpty();
  }

  @Test
  void pkcs12_base64OfOtherDer_notReported() {
    // a certificate (SEQUENCE of SEQUENCE) is not a PFX: the version INTEGER 3 is missing
    byte[] der = new byte[300];
    der[0] = 0x30;
    der[1] = (byte) 0x82;
    der[2] = 0x01;
    der[3] = 0x28;
    der[4] = 0x30;
    assertThat(detector.scanText(java.util.Base64.getEncoder().encodeToString(der))).isEmpty();
  }
}
