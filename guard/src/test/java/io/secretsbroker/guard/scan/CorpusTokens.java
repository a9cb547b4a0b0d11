package io.secretsbroker.guard.scan;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands the corpus markers {@code @@kind:seed@@} into format-valid fake values, deterministically
 * from the seed. Credential-shaped text exists only at test time, never in the repository, so
 * neither this project's own scan nor a hosting provider's push protection trips over the corpus.
 */
final class CorpusTokens {
  private static final Pattern MARKER = Pattern.compile("@@([a-z0-9-]+):(\\d+)@@");
  static final String UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static final String BASE64 = ALNUM + "+/";
  static final String URLSAFE = ALNUM + "_-";
  static final String HEX = "0123456789abcdef";
  static final String PASSWORD = ALNUM + "!*-_+=.~";

  private CorpusTokens() {}

  static String expand(String text) {
    Matcher m = MARKER.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(token(m.group(1), Long.parseLong(m.group(2)))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static String token(String kind, long seed) {
    Random r = new Random(seed * 7919 + kind.hashCode());
    return switch (kind) {
      case "pw" -> pick(r, ALNUM.substring(0, 52), 1) + pick(r, PASSWORD, 13 + r.nextInt(8)) + pick(r, "0123456789", 1);
      case "awsid" -> join("AK", "IA") + pick(r, BASE32, 16);
      case "asia" -> join("AS", "IA") + pick(r, BASE32, 16);
      case "awssecret" -> pick(r, BASE64, 40);
      case "github" -> join("gh", "p_") + pick(r, ALNUM, 36);
      case "github-pat" -> join("github", "_pat_") + pick(r, ALNUM, 22) + "_" + pick(r, ALNUM, 59);
      case "gitlab" -> join("gl", "pat-") + pick(r, URLSAFE, 20);
      case "slack" -> join("xo", "xb-") + pick(r, "0123456789", 12) + "-" + pick(r, "0123456789", 13) + "-"
          + pick(r, ALNUM, 24);
      case "slackhook" -> join("https://hooks.", "slack.com/services/T") + pick(r, UPPER_DIGITS, 8) + "/B"
          + pick(r, UPPER_DIGITS, 10) + "/" + pick(r, ALNUM, 24);
      case "stripe" -> join("sk_", "live_") + pick(r, ALNUM, 24 + r.nextInt(76));
      case "stripe-rk" -> join("rk_", "live_") + pick(r, ALNUM, 24 + r.nextInt(76));
      case "google" -> join("AI", "za") + pick(r, URLSAFE, 35);
      case "npm" -> join("np", "m_") + pick(r, ALNUM, 36);
      case "pypi" -> join("pypi-", "AgEIcHlwaS5vcmc") + pick(r, URLSAFE, 70);
      case "azkey" -> pick(r, BASE64, 86) + "==";
      case "azkey44" -> pick(r, BASE64, 43) + "=";
      case "sas" -> "sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&"
          + join("si", "g=") + pick(r, ALNUM, 40) + "%2B" + pick(r, ALNUM, 3) + "%3D";
      case "jwt" -> jwt(r, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
      case "jwtnone" -> jwt(r, "{\"alg\":\"none\",\"typ\":\"JWT\"}");
      case "pem" -> pem(r, "\n");
      case "pemesc" -> pem(r, "\\n");
      case "hex40" -> pick(r, HEX, 40);
      case "hex32" -> pick(r, HEX, 32);
      case "hex7" -> pick(r, HEX, 7);
      case "uuid" -> pick(r, HEX, 8) + "-" + pick(r, HEX, 4) + "-4" + pick(r, HEX, 3) + "-a" + pick(r, HEX, 3) + "-"
          + pick(r, HEX, 12);
      case "b64" -> pick(r, BASE64, 40 + r.nextInt(46));
      case "alnum24" -> pick(r, ALNUM, 24);
      default -> throw new IllegalArgumentException("unknown corpus marker kind " + kind);
    };
  }

  private static String jwt(Random r, String header) {
    Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
    String payload = "{\"sub\":\"" + pick(r, HEX, 12) + "\",\"iat\":1716000000,\"scope\":\"orders:write\"}";
    return enc.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + enc.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + pick(r, URLSAFE, 43);
  }

  private static String pem(Random r, String newline) {
    String dashes = "-----";
    StringBuilder sb = new StringBuilder(dashes + "BEGIN RSA PRIVATE KEY" + dashes);
    for (int i = 0; i < 6; i++) {
      sb.append(newline).append(pick(r, BASE64, 64));
    }
    return sb.append(newline).append(dashes).append("END RSA PRIVATE KEY").append(dashes).toString();
  }

  private static String join(String a, String b) {
    return a + b;
  }

  static String pick(Random r, String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
