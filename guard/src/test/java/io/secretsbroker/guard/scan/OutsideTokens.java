package io.secretsbroker.guard.scan;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Expands the markers of the widened corpus ({@code outside-*.txt}) into values in each vendor's
 * documented structure, deterministically from the seed, at test time only (no credential-shaped
 * text in the repository). Prefixes are split so no source line holds a token-shaped literal.
 */
final class OutsideTokens {
  private static final Pattern MARKER = Pattern.compile("@@([a-z0-9-]+):(\\d+)@@");
  private static final String ALNUM = CorpusTokens.ALNUM;
  private static final String URLSAFE = CorpusTokens.URLSAFE;
  private static final String HEX = CorpusTokens.HEX;
  private static final String DIGITS = "0123456789";
  private static final String UPPER_DIGITS = CorpusTokens.UPPER_DIGITS;

  private OutsideTokens() {}

  static String expand(String text) {
    Matcher m = MARKER.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(token(m.group(1), Long.parseLong(m.group(2)))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String j(String... parts) {
    return String.join("", parts);
  }

  private static String p(Random r, String alphabet, int n) {
    String s = CorpusTokens.pick(r, alphabet, n);
    if (n >= 6 && s.chars().noneMatch(Character::isDigit) && alphabet.chars().anyMatch(Character::isDigit)) {
      s = s.charAt(0) + "7" + s.substring(2);
    }
    if (n >= 6 && s.chars().noneMatch(Character::isLetter) && alphabet.chars().anyMatch(Character::isLetter)) {
      s = s.charAt(0) + "k" + s.substring(2);
    }
    return s;
  }

  private static String uuid(Random r) {
    return p(r, HEX, 8) + "-" + p(r, HEX, 4) + "-4" + p(r, HEX, 3) + "-a" + p(r, HEX, 3) + "-" + p(r, HEX, 12);
  }

  private static String crcToken(Random r, String prefix) {
    String random = p(r, ALNUM, 30);
    CRC32 crc = new CRC32();
    crc.update(random.getBytes(StandardCharsets.US_ASCII));
    StringBuilder sb = new StringBuilder();
    for (long v = crc.getValue(); v > 0; v /= 62) {
      sb.append(ALNUM_BASE62.charAt((int) (v % 62)));
    }
    while (sb.length() < 6) {
      sb.append('0');
    }
    return prefix + random + sb.reverse();
  }

  private static final String ALNUM_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private static String b64url(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String token(String kind, long seed) {
    Random r = new Random(seed * 104729 + kind.hashCode());
    return switch (kind) {
      case "pw" -> CorpusTokens.token("pw", seed);
      case "short" -> j("o", "u") + p(r, "abcdefghijkmnpqrstuvwxyz", 3);
      case "lower" -> "qwzxbnmvlkjhgfdsap".substring(0, 16) + p(r, "rtyu", 2);
      case "uuid" -> uuid(r);
      case "alnum24" -> p(r, ALNUM, 24);
      case "azurite" -> j("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6", "tq/K1SZFPTOtr/KBHBeksoGMGw==");
      case "sendgrid" -> j("S", "G.") + p(r, URLSAFE, 22) + "." + p(r, URLSAFE, 43);
      case "anthropic" -> j("sk-", "ant-", "api03-") + p(r, URLSAFE, 93) + "AA";
      case "openai" -> j("sk-", "proj-") + p(r, URLSAFE, 48) + j("T3Blbk", "FJ") + p(r, URLSAFE, 48);
      case "onepassword" -> j("op", "s_") + b64url("{\"signInAddress\":\"acme.1password.com\",\"userAuth\":{\"method\":"
          + "\"SRPg-4096\",\"alg\":\"PBES2g-HS256\",\"iterations\":650000,\"salt\":\"" + p(r, URLSAFE, 22) + "\"},\"email\":\""
          + p(r, HEX, 10) + "@1passwordserviceaccounts.com\",\"srpX\":\"" + p(r, HEX, 64) + "\",\"muk\":{\"alg\":\"A256GCM\","
          + "\"k\":\"" + p(r, URLSAFE, 43) + "\"}}");
      case "age" -> j("AGE-", "SECRET-", "KEY-1") + p(r, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58);
      case "alibaba" -> j("LT", "AI") + p(r, ALNUM, 20);
      case "artifactory" -> j("AK", "Cp") + p(r, ALNUM, 69);
      case "asana" -> "asana_pat: 2/" + p(r, DIGITS, 16) + "/" + p(r, DIGITS, 16) + ":" + p(r, HEX, 32);
      case "entra" -> p(r, ALNUM, 3) + r.nextInt(10) + j("Q", "~") + p(r, ALNUM + "_~.-", 31);
      case "cfca" -> j("v1", ".0-") + p(r, HEX, 24) + "-" + p(r, HEX, 146);
      case "cohere" -> "cohere_api_key=" + p(r, ALNUM, 40);
      case "discord" -> b64url("1" + p(r, DIGITS, 17)) + "." + p(r, URLSAFE, 6) + "." + p(r, URLSAFE, 38);
      case "discordhook" -> j("https://discord", ".com/api/webhooks/") + "1" + p(r, DIGITS, 18) + "/" + p(r, URLSAFE, 68);
      case "doppler" -> j("dp", ".st.") + p(r, ALNUM, 43);
      case "dynatrace" -> j("dt0c", "01.") + p(r, UPPER_DIGITS, 24) + "." + p(r, UPPER_DIGITS, 64);
      case "facebook" -> j("EA", "A") + p(r, ALNUM, 160);
      case "flutterwave" -> j("FLWSE", "CK-") + p(r, HEX, 32) + "-X";
      case "harness" -> j("pa", "t.") + p(r, URLSAFE, 22) + "." + p(r, HEX, 24) + "." + p(r, ALNUM, 20);
      case "heroku" -> j("HR", "KU-") + p(r, URLSAFE, 60);
      case "herokuuuid" -> "heroku_api_key: " + uuid(r);
      case "hubspot" -> j("pat-", "eu1-") + uuid(r);
      case "mapbox" -> j("s", "k.") + b64url("{\"u\":\"" + p(r, HEX, 8) + "\",\"a\":\"" + p(r, ALNUM, 20) + "\"}") + "."
          + p(r, URLSAFE, 22);
      case "teams" -> j("https://acme", ".webhook.office.com/webhookb2/") + uuid(r) + "@" + uuid(r) + "/IncomingWebhook/"
          + p(r, HEX, 32) + "/" + uuid(r);
      case "notion" -> j("nt", "n_") + p(r, DIGITS, 11) + p(r, ALNUM, 35);
      case "octopus" -> j("AP", "I-") + p(r, UPPER_DIGITS, 26);
      case "snyk" -> "snyk_token = " + uuid(r);
      case "sourcegraph" -> j("sg", "p_") + p(r, HEX, 40);
      case "squarespace" -> "SQUARESPACE_API_KEY: " + uuid(r);
      case "vault" -> j("hv", "s.") + p(r, URLSAFE, 90);
      case "telegram" -> p(r, DIGITS, 10) + j(":A", "A") + p(r, URLSAFE, 33);
      case "flyio" -> j("fo", "1_") + p(r, URLSAFE, 43);
      case "atlassian" -> j("ATA", "TT3") + p(r, URLSAFE, 180) + "=" + p(r, HEX, 8);
      case "whsec" -> j("wh", "sec_") + p(r, ALNUM, 32);
      case "slackbot" -> j("xo", "xb-") + p(r, DIGITS, 12) + "-" + p(r, DIGITS, 13) + "-" + p(r, ALNUM, 24);
      case "slackuser" -> j("xo", "xp-") + p(r, DIGITS, 12) + "-" + p(r, DIGITS, 12) + "-" + p(r, DIGITS, 13) + "-"
          + p(r, HEX, 32);
      case "slackapp" -> j("xa", "pp-1-A") + p(r, UPPER_DIGITS, 10) + "-" + p(r, DIGITS, 13) + "-" + p(r, HEX, 64);
      case "githubsum" -> crcToken(r, j("gh", "p_"));
      case "npmsum" -> crcToken(r, j("np", "m_"));
      case "pkcs12" -> pkcs12(r);
      case "jwtnone" -> b64url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64url("{\"sub\":\"" + p(r, HEX, 10)
          + "\",\"role\":\"admin\"}") + ".";
      case "jwtwrapped" -> Base64.getEncoder().encodeToString((b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "."
          + b64url("{\"sub\":\"" + p(r, HEX, 10) + "\"}") + "." + p(r, URLSAFE, 43)).getBytes(StandardCharsets.US_ASCII));
      default -> throw new IllegalArgumentException("unknown marker kind " + kind);
    };
  }

  private static String pkcs12(Random r) {
    byte[] body = new byte[700];
    r.nextBytes(body);
    int len = body.length + 8 - 4;
    byte[] der = new byte[body.length + 8];
    der[0] = 0x30;
    der[1] = (byte) 0x82;
    der[2] = (byte) (len >> 8);
    der[3] = (byte) len;
    der[4] = 0x02;
    der[5] = 0x01;
    der[6] = 0x03;
    der[7] = 0x30;
    System.arraycopy(body, 0, der, 8, body.length);
    der[8] = (byte) 0x82;
    return Base64.getEncoder().encodeToString(der);
  }
}
