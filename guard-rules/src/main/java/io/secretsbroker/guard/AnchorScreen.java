package io.secretsbroker.guard;

import java.util.Locale;

/**
 * A pre-screen for the runtime guard: whether a value could match any format rule, answered
 * without building the rules. A format rule's expression only ever runs at an occurrence of one of
 * its anchors ({@link Detector#scanText}), so a value holding none of the anchors below cannot
 * match one; {@link EnvironmentScan} then builds the rules only for a value that passes (or for a
 * secret-sounding name), and a clean environment builds none of them.
 *
 * <p>Soundness: the screen may pass values no rule reports, never the reverse. {@link #EXACT} and
 * {@link #ANY_CASE} are every anchor of every rule ({@code LazyRulesTest} compares them with the
 * rules, so a rule with a new anchor fails the build until it is listed here). Anchors that common
 * values hold (URLs, host names, the word secret in a path, two capitals) also require what their
 * only rule's expression requires besides them: {@code ://} an {@code @} after it (a URL password
 * sits in the user info), {@code server}/{@code host}/{@code address}/{@code data source} the word
 * {@code password} or {@code pwd} (an ADO.NET password), {@code ecret} an {@code aws_secret} or
 * {@code secret_access} name and a run of 40 key characters (an AWS secret access key), the Discord
 * bot token's two-letter anchors a run of 24 token characters before a dot; the test checks that no
 * other rule has those anchors.
 *
 * <p>Stateless and thread-safe.
 */
final class AnchorScreen {
  private AnchorScreen() {}

  /** Anchors matched as written. */
  static final String[] EXACT = {
      "-----BEGIN ", ".webhook.office.com/webhookb2/", "://", ":AA", "A3T", "ABIA", "ACCA", "AGE-SECRET-KEY-1",
      "AIza", "AKCp", "AKIA", "AKID", "APA91b", "API-", "ASIA", "ATATT3", "ATCTT3", "BBFF-", "EAA", "FLWSECK",
      "HRKU-", "IBAz", "LTAI", "MT", "Mj", "Mz", "ND", "NT", "Nj", "Nz", "OD", "OT", "Q~", "RGAPI-", "SG.",
      "T3BlbkFJ", "ZXlK", "aio_", "cmVmdGtu", "discord.com/api/webhooks/", "discordapp.com/api/webhooks/", "dp.",
      "dt0c01.", "eyJ", "figd_", "fm1_", "fm1a_", "fm1r_", "fm2_", "fm2a_", "fm2r_", "fo1_", "gho_", "ghp_", "ghr_",
      "ghs_", "ghu_", "github_pat_", "glc_", "glcbt-", "gldt-", "glft-", "glimt-", "gloas-", "glpat-", "glptt-",
      "glrt-", "glsa_", "glsoat-", "https://hooks.slack.com/", "https://outlook.office", "hvb.", "hvr.", "hvs.",
      "key-", "npm_", "ntn_", "ops_eyJ", "pat-ap", "pat-eu", "pat-na", "pat.", "pscale_", "pypi-AgE", "rk_live_",
      "rk_prod_", "rk_test_", "sat.", "secret_", "sgp_", "shippo_", "sig=", "sk-ant-", "sk.eyJ", "sk_live_",
      "sk_prod_", "sk_test_", "sqa_", "sqp_", "squ_", "t1.", "v1.0-", "whsec_", "xapp-", "xoxa-", "xoxb-", "xoxe-",
      "xoxe.", "xoxo-", "xoxp-", "xoxr-", "xoxs-", "y0_", "y1_", "y2_", "y3_", "zpka_"};

  /** Anchors matched in any ASCII case, in lower case. */
  static final String[] ANY_CASE = {
      "access_token=", "accountkey", "address", "alchemy", "api_key=", "apikey=", "asana", "atlassian",
      "auth_token=", "client_secret=", "co_api_key", "cohere", "confluence", "data source", "ecret", "facebook",
      "fb.", "fb_", "hapikey", "heroku", "host", "hubspot", "jdbc:", "jira", "linode", "pass=", "passwd=",
      "password=", "postmark", "pwd=", "secret=", "server", "sharedaccesskey", "snyk", "sonar", "squarespace",
      "token="};

  /** Whether {@code text} holds an anchor of some format rule (and what that anchor's rule needs with it). */
  static boolean mayMatch(String text) {
    for (String a : EXACT) {
      int at = text.indexOf(a);
      if (at >= 0 && exactNeedsMore(a, text, at)) {
        return true;
      }
    }
    String lower = text.toLowerCase(Locale.ROOT);
    for (String a : ANY_CASE) {
      if (lower.contains(a) && anyCaseNeedsMore(a, text, lower)) {
        return true;
      }
    }
    return false;
  }

  private static boolean exactNeedsMore(String anchor, String text, int at) {
    return switch (anchor) {
      case "://" -> text.indexOf('@', at) > at; // URL_PASSWORD: user:password@ after the scheme
      // DISCORD_TOKEN's bot id part: [MNO] and 23 to 27 token characters, then a dot
      case "MT", "Mj", "Mz", "ND", "NT", "Nj", "Nz", "OD", "OT" -> hasRunBeforeDot(text, 24);
      default -> true;
    };
  }

  private static boolean anyCaseNeedsMore(String anchor, String text, String lower) {
    return switch (anchor) {
      // JDBC_PASSWORD's ADO.NET form: the keyword, then Password= or Pwd=
      case "server", "host", "address", "data source" -> lower.contains("password") || lower.contains("pwd");
      // AWS_SECRET_ACCESS_KEY: aws_?secret... or secret_?access..., then 40 key characters
      case "ecret" -> (lower.contains("awssecret") || lower.contains("aws_secret") || lower.contains("secretaccess")
          || lower.contains("secret_access")) && hasKeyRun(text, 40);
      default -> true;
    };
  }

  /** Whether {@code text} has {@code n} consecutive characters of {@code [A-Za-z0-9/+]}. */
  static boolean hasKeyRun(String text, int n) {
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      run = isAlnum(c) || c == '/' || c == '+' ? run + 1 : 0;
      if (run >= n) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code text} has {@code n} or more consecutive characters of {@code [A-Za-z0-9_-]} followed by a dot. */
  static boolean hasRunBeforeDot(String text, int n) {
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '.' && run >= n) {
        return true;
      }
      run = isAlnum(c) || c == '_' || c == '-' ? run + 1 : 0;
    }
    return false;
  }

  private static boolean isAlnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }
}
