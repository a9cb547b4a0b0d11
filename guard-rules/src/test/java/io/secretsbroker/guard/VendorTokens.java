package io.secretsbroker.guard;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Builds fakes in each vendor's documented token structure, at test time only (this repository
 * scans itself). Prefixes are split so no source line holds a token-shaped literal. Written from
 * the vendors' format descriptions; deterministic per seed.
 */
final class VendorTokens {
  static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static final String URLSAFE = ALNUM + "_-";
  static final String HEX = "0123456789abcdef";
  static final String DIGITS = "0123456789";
  static final String UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static final String BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";

  private final Random r;

  VendorTokens(long seed) {
    this.r = new Random(seed);
  }

  String pick(String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    // vendors' random parts hold letters and digits; keep the fakes realistic
    if (n >= 6 && alphabet.length() > 10 && sb.chars().noneMatch(Character::isDigit)) {
      sb.setCharAt(1, '7');
    }
    if (n >= 6 && sb.chars().noneMatch(Character::isLetter) && alphabet.chars().anyMatch(Character::isLetter)) {
      sb.setCharAt(2, alphabet.chars().filter(Character::isLetter).mapToObj(c -> String.valueOf((char) c))
          .findFirst().orElseThrow().charAt(0));
    }
    return sb.toString();
  }

  static String p(String... parts) {
    return String.join("", parts);
  }

  String uuid() {
    return pick(HEX, 8) + "-" + pick(HEX, 4) + "-4" + pick(HEX, 3) + "-a" + pick(HEX, 3) + "-" + pick(HEX, 12);
  }

  /** A GitHub classic token whose last six characters are the CRC32 of the rest, in base62. */
  String githubWithChecksum() {
    String random = pick(ALNUM, 30);
    CRC32 crc = new CRC32();
    crc.update(random.getBytes(StandardCharsets.US_ASCII));
    return p("gh", "p_") + random + Checksums.base62(crc.getValue(), 6);
  }

  String githubWithoutChecksum() {
    String t = githubWithChecksum();
    char last = t.charAt(t.length() - 1);
    return t.substring(0, t.length() - 1) + (last == 'a' ? 'b' : 'a');
  }

  String npmWithChecksum() {
    String random = pick(ALNUM, 30);
    CRC32 crc = new CRC32();
    crc.update(random.getBytes(StandardCharsets.US_ASCII));
    return p("np", "m_") + random + Checksums.base62(crc.getValue(), 6);
  }

  String slackBot() {
    return p("xo", "xb-") + pick(DIGITS, 12) + "-" + pick(DIGITS, 13) + "-" + pick(ALNUM, 24);
  }

  String slackBotLongerTail() {
    return p("xo", "xb-") + pick(DIGITS, 12) + "-" + pick(DIGITS, 13) + "-" + pick(ALNUM, 27);
  }

  String slackUser() {
    return p("xo", "xp-") + pick(DIGITS, 12) + "-" + pick(DIGITS, 12) + "-" + pick(DIGITS, 13) + "-" + pick(HEX, 32);
  }

  String slackApp() {
    return p("xa", "pp-1-A") + pick(UPPER_DIGITS, 10) + "-" + pick(DIGITS, 13) + "-" + pick(HEX, 64);
  }

  String slackConfig() {
    return p("xoxe.", "xoxp-1-") + pick(ALNUM, 160);
  }

  String sendgrid() {
    return p("S", "G.") + pick(URLSAFE, 22) + "." + pick(URLSAFE, 43);
  }

  String anthropic() {
    return p("sk-", "ant-", "api03-") + pick(URLSAFE, 93) + "AA";
  }

  String openai() {
    return p("sk-", "proj-") + pick(URLSAFE, 40) + p("T3Blbk", "FJ") + pick(URLSAFE, 40);
  }

  String onePassword() {
    String json = "{\"signInAddress\":\"my.1password.com\",\"userAuth\":{\"method\":\"SRPg-4096\",\"alg\":\"PBES2g-HS256\","
        + "\"iterations\":650000,\"salt\":\"" + pick(URLSAFE, 22) + "\"},\"email\":\"" + pick(HEX, 12)
        + "@1passwordserviceaccounts.com\",\"srpX\":\"" + pick(HEX, 64) + "\",\"muk\":{\"alg\":\"A256GCM\",\"k\":\""
        + pick(URLSAFE, 43) + "\"}}";
    return p("op", "s_") + Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  String age() {
    return p("AGE-", "SECRET-", "KEY-1") + pick(BECH32, 58);
  }

  String alibaba() {
    return p("LT", "AI") + pick(ALNUM, 20);
  }

  String artifactory() {
    return p("AK", "Cp") + pick(ALNUM, 69);
  }

  String asana() {
    return "ASANA_TOKEN=2/" + pick(DIGITS, 16) + "/" + pick(DIGITS, 16) + ":" + pick(HEX, 32);
  }

  String azureAdSecret() {
    return pick(ALNUM, 3) + r.nextInt(10) + p("Q", "~") + pick(ALNUM + "_~.-", 31);
  }

  String cloudflareOriginCa() {
    return p("v1", ".0-") + pick(HEX, 24) + "-" + pick(HEX, 146);
  }

  String cohere() {
    return "COHERE_API_KEY=\"" + pick(ALNUM, 40) + "\"";
  }

  String discordBot() {
    String id = "1" + pick(DIGITS, 17);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.US_ASCII)) + "."
        + pick(URLSAFE, 6) + "." + pick(URLSAFE, 38);
  }

  String discordWebhook() {
    return p("https://discord", ".com/api/webhooks/") + "1" + pick(DIGITS, 18) + "/" + pick(URLSAFE, 68);
  }

  String doppler() {
    return p("dp", ".pt.") + pick(ALNUM, 43);
  }

  String dynatrace() {
    return p("dt0c", "01.") + pick(UPPER_DIGITS, 24) + "." + pick(UPPER_DIGITS, 64);
  }

  String facebook() {
    return p("EA", "A") + pick(ALNUM, 150);
  }

  String flutterwave() {
    return p("FLWSE", "CK_TEST-") + pick(HEX, 32) + "-X";
  }

  String harness() {
    return p("pa", "t.") + pick(URLSAFE, 22) + "." + pick(HEX, 24) + "." + pick(ALNUM, 20);
  }

  String herokuUuid() {
    return "HEROKU_API_KEY=" + uuid();
  }

  String herokuNew() {
    return p("HR", "KU-") + pick(URLSAFE, 60);
  }

  String hubspot() {
    return p("pat-", "na1-") + uuid();
  }

  String mapbox() {
    String payload = "{\"u\":\"" + pick(HEX, 8) + "\",\"a\":\"" + pick(ALNUM, 20) + "\"}";
    return p("s", "k.") + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "." + pick(URLSAFE, 22);
  }

  String teamsWebhook() {
    return p("https://contoso", ".webhook.office.com/webhookb2/") + uuid() + "@" + uuid() + "/IncomingWebhook/"
        + pick(HEX, 32) + "/" + uuid() + "/V2" + pick(URLSAFE, 40);
  }

  String notion() {
    return p("nt", "n_") + pick(DIGITS, 11) + pick(ALNUM, 35);
  }

  String octopus() {
    return p("AP", "I-") + pick(UPPER_DIGITS, 27);
  }

  String snyk() {
    return "SNYK_TOKEN: " + uuid();
  }

  String sourcegraph() {
    return p("sg", "p_") + pick(HEX, 16) + "_" + pick(HEX, 40);
  }

  String squarespace() {
    return "squarespace.api-key = " + uuid();
  }

  String vault() {
    return p("hv", "s.") + pick(URLSAFE, 90);
  }

  String telegram() {
    return pick(DIGITS, 10) + p(":A", "A") + pick(URLSAFE, 33);
  }

  String flyio() {
    return p("fo", "1_") + pick(URLSAFE, 43);
  }

  String atlassian() {
    return p("ATA", "TT3") + pick(URLSAFE, 180) + "=" + pick(HEX, 8);
  }

  String stripeWebhook() {
    return p("wh", "sec_") + pick(ALNUM, 32);
  }

  /** The base64 of a minimal DER PKCS#12 PFX header followed by content bytes. */
  String pkcs12Base64() {
    byte[] body = new byte[600];
    r.nextBytes(body);
    byte[] der = new byte[body.length + 8];
    int len = der.length - 4;
    der[0] = 0x30;
    der[1] = (byte) 0x82;
    der[2] = (byte) (len >> 8);
    der[3] = (byte) len;
    der[4] = 0x02;
    der[5] = 0x01;
    der[6] = 0x03;
    der[7] = 0x30;
    System.arraycopy(body, 0, der, 8, body.length);
    return Base64.getEncoder().encodeToString(der);
  }

  // issue 15, second pass: vendors whose documented prefix alone identifies the token
  String sonarqube() {
    return p("sq", "p_") + pick(HEX, 40);
  }

  String sonarqubeLegacy() {
    return "sonar.login=" + pick(HEX, 40);
  }

  String linode() {
    return "LINODE_TOKEN=" + pick(HEX, 64);
  }

  String yandexIam() {
    return p("t", "1.") + pick(URLSAFE, 40) + "." + pick(URLSAFE, 86);
  }

  String yandexOauth() {
    return p("y", "0_") + pick(URLSAFE, 55);
  }

  String herokuUuidPrefixed() {
    return p("HR", "KU-") + uuid();
  }

  String tencentSecretId() {
    return p("AK", "ID") + pick(ALNUM, 32);
  }

  String alchemyUrl() {
    return "https://eth-mainnet." + p("alchemy", "api.io") + "/v2/" + pick(URLSAFE, 32);
  }

  String grafanaServiceAccount() {
    return p("gl", "sa_") + pick(ALNUM, 32) + "_" + pick(HEX, 8);
  }

  String figma() {
    return p("fi", "gd_") + pick(URLSAFE, 40);
  }

  String planetscale() {
    return p("pscale", "_pw_") + pick(URLSAFE, 43);
  }

  String shippo() {
    return p("shippo", "_live_") + pick(HEX, 40);
  }

  String mailgun() {
    return p("ke", "y-") + pick(HEX, 32);
  }

  String riot() {
    return p("RG", "API-") + uuid();
  }

  String adafruit() {
    return p("ai", "o_") + pick(ALNUM, 28);
  }

  String ubidots() {
    return p("BB", "FF-") + pick(ALNUM, 30);
  }

  String zuplo() {
    return p("zp", "ka_") + pick(HEX, 32) + "_" + pick(HEX, 8);
  }

  String postmark() {
    return "POSTMARK_SERVER_TOKEN=" + uuid();
  }

  String fcm() {
    return "AAAA" + pick(URLSAFE, 7) + p(":APA", "91b") + pick(URLSAFE, 134);
  }
}
