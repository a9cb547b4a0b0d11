package io.secretsbroker.guard;

import static io.secretsbroker.guard.FormatRule.anyCase;
import static io.secretsbroker.guard.FormatRule.exact;

import java.util.List;
import java.util.Locale;

/**
 * Vendors' documented token formats, one format rule each: the prefix the vendor chose so that
 * scanners can find its tokens, the length and alphabet of the random part, and the checksum or
 * framing where the vendor has one. Tokens without a distinctive prefix (UUID-shaped Heroku, Snyk
 * and Squarespace keys, Cohere's 40 characters) are recognised only next to the vendor's name
 * ({@code HEROKU_API_KEY = "..."}, {@code snyk.token: ...}).
 *
 * <p>Sources: each vendor's documentation of its token format (GitHub's "Behind GitHub's new
 * authentication token formats", Slack's token types, Stripe's API keys, Microsoft Entra client
 * secrets, Vault's token prefixes, Telegram's Bot API, Discord's developer documentation, ...);
 * the cases in the tests are written from those descriptions, not copied from other scanners.
 */
final class TokenFormats {
  private TokenFormats() {}

  private static final String B = "(?<![A-Za-z0-9_-])";
  private static final String E = "(?![A-Za-z0-9_-])";
  /** Between a vendor name and its value: the rest of the name, a quote, an operator, a quote. */
  private static final String NEXT_TO = "[A-Za-z0-9_.-]{0,30}?[\"']?\\s*(?::=|=>|=|:|,|\\()\\s*[\"'`]?";
  /**
   * Between a key and its value, for keys written as a property ({@code k=v}, {@code k: v}), an
   * argument pair ({@code "k", "v"}), an XML attribute pair ({@code name="k" value="v"}) or a YAML
   * name/value pair on the next line ({@code - name: K / value: v}).
   */
  private static final String KEY_TO_VALUE = "[A-Za-z0-9_.-]{0,20}?(?:[\"']?\\s*(?::=|=>|=|:|,|\\()\\s*[\"'`]?"
      + "|[\"']\\s+(?:value\\s*=\\s*)?[\"']|\\s*\\n\\s*value\\s*:\\s*[\"']?)";
  private static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

  static List<FormatRule> rules() {
    List<FormatRule> rules = new java.util.ArrayList<>(sendGridToCohere());
    rules.addAll(discordToHubSpot());
    rules.addAll(mapboxToVault());
    rules.addAll(telegramAndLater());
    return List.copyOf(rules);
  }

  /** SendGrid, Anthropic, OpenAI, 1Password, age, Alibaba, Artifactory, Asana, Entra ID, Cloudflare, Cohere. */
  private static List<FormatRule> sendGridToCohere() {
    return List.of(
        // SendGrid documents SG.<22>.<43>; keys with a shorter id part (20) are in circulation, so 16-32 / 40-50
        new FormatRule(Rule.SENDGRID_KEY, LazyPattern.compile(B + "(SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{40,50})" + E), 1,
            exact("SG."), (t, m) -> random(m.group(1).substring(3))),
        new FormatRule(Rule.ANTHROPIC_KEY,
            LazyPattern.compile(B + "(sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)" + E), 1, exact("sk-ant-"),
            (t, m) -> random(m.group(1).substring(14))),
        new FormatRule(Rule.OPENAI_KEY,
            LazyPattern.compile(B + "(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,160}T3BlbkFJ[A-Za-z0-9_-]{20,160})" + E),
            1, exact("T3BlbkFJ"), (t, m) -> random(m.group(1))).back(180),
        new FormatRule(Rule.ONEPASSWORD_TOKEN, LazyPattern.compile(B + "(ops_eyJ[A-Za-z0-9+/_-]{200,}={0,2})"), 1,
            exact("ops_eyJ"), (t, m) -> Checksums.decodesToJsonObject(m.group(1).substring(4))).live((t, m) -> true),
        new FormatRule(Rule.AGE_SECRET_KEY,
            LazyPattern.compile("(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?![A-Za-z0-9])"), 1,
            exact("AGE-SECRET-KEY-1"), (t, m) -> random(m.group(1).substring(16))),
        new FormatRule(Rule.ALIBABA_ACCESS_KEY_ID, LazyPattern.compile("(?<![A-Za-z0-9])(LTAI[A-Za-z0-9]{12,20})(?![A-Za-z0-9])"),
            1, exact("LTAI"), (t, m) -> random(m.group(1).substring(4)) && mixed(m.group(1).substring(4))),
        new FormatRule(Rule.ARTIFACTORY_TOKEN,
            LazyPattern.compile("(?<![A-Za-z0-9])(AKCp[A-Za-z0-9]{69}|cmVmdGtu[A-Za-z0-9]{56})(?![A-Za-z0-9])"), 1,
            exact("AKCp", "cmVmdGtu"), (t, m) -> random(m.group(1).substring(4))),
        new FormatRule(Rule.ASANA_TOKEN,
            LazyPattern.compile("(?i:asana)" + NEXT_TO + "([0-2]/[0-9]{6,20}(?:/[0-9]{6,20})?:[0-9a-f]{32}|0/[0-9a-f]{32})"
                + "(?![A-Za-z0-9])"), 1, anyCase("asana"), (t, m) -> random(m.group(1))),
        new FormatRule(Rule.AZURE_AD_CLIENT_SECRET,
            LazyPattern.compile("(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])"), 1,
            exact("Q~"), (t, m) -> random(m.group(1).substring(6)) && mixed(m.group(1).substring(6))).back(4),
        new FormatRule(Rule.CLOUDFLARE_ORIGIN_CA_KEY,
            LazyPattern.compile("(?<![A-Za-z0-9])(v1\\.0-[0-9a-f]{24}-[0-9a-f]{146})(?![A-Za-z0-9])"), 1, exact("v1.0-"),
            (t, m) -> random(m.group(1).substring(5))),
        new FormatRule(Rule.COHERE_KEY,
            LazyPattern.compile("(?i:cohere|co_api_key)" + NEXT_TO + "([A-Za-z0-9]{40})(?![A-Za-z0-9])"), 1,
            anyCase("cohere", "co_api_key"), (t, m) -> random(m.group(1)) && mixed(m.group(1))));
  }

  /** Discord, Doppler, Dynatrace, Facebook, Flutterwave, Harness, Heroku, HubSpot. */
  private static List<FormatRule> discordToHubSpot() {
    return List.of(
        // bot token: base64 of the bot's numeric id, a base64 timestamp, an HMAC
        new FormatRule(Rule.DISCORD_TOKEN,
            LazyPattern.compile("(?<![A-Za-z0-9_.-])([MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38})"
                + "(?![A-Za-z0-9_.-])"), 1, exact("MT", "Mj", "Mz", "ND", "NT", "Nj", "Nz", "OD", "OT"),
            (t, m) -> Checksums.decodesToDigits(m.group(1).substring(0, m.group(1).indexOf('.')), 17)),
        new FormatRule(Rule.DISCORD_TOKEN,
            LazyPattern.compile("https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/([0-9]{17,20}/[A-Za-z0-9_-]{60,68})"),
            1, exact("discord.com/api/webhooks/", "discordapp.com/api/webhooks/"), (t, m) -> random(m.group(1)))
            .back(40),
        new FormatRule(Rule.DOPPLER_TOKEN,
            LazyPattern.compile(B + "(dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44})(?![A-Za-z0-9])"), 1, exact("dp."),
            (t, m) -> random(m.group(1).substring(6))),
        new FormatRule(Rule.DYNATRACE_TOKEN,
            LazyPattern.compile("(?<![A-Za-z0-9])(dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64})(?![A-Za-z0-9])"), 1, exact("dt0c01."),
            (t, m) -> random(m.group(1).substring(7))),
        new FormatRule(Rule.FACEBOOK_TOKEN, LazyPattern.compile("(?<![A-Za-z0-9])(EAA[A-Za-z0-9]{90,400})(?![A-Za-z0-9])"), 1,
            exact("EAA"), (t, m) -> random(m.group(1).substring(3)) && mixed(m.group(1).substring(3))),
        new FormatRule(Rule.FACEBOOK_TOKEN,
            LazyPattern.compile("(?i:facebook|fb)[A-Za-z0-9_.-]{0,12}?(?i:secret)" + NEXT_TO + "([0-9a-f]{32})(?![A-Za-z0-9])"),
            1, anyCase("facebook", "fb_", "fb."), (t, m) -> random(m.group(1))),
        new FormatRule(Rule.FLUTTERWAVE_KEY,
            LazyPattern.compile(B + "(FLWSECK(?:_TEST)?-[0-9a-fA-F]{32}-X|FLWSECK_TEST[0-9a-fA-F]{12})(?![A-Za-z0-9])"), 1,
            exact("FLWSECK"), (t, m) -> random(m.group(1).substring(8))),
        new FormatRule(Rule.HARNESS_TOKEN,
            LazyPattern.compile(B + "((?:pat|sat)\\.[A-Za-z0-9_-]{22}\\.[0-9a-f]{24}\\.[A-Za-z0-9]{20})(?![A-Za-z0-9])"), 1,
            exact("pat.", "sat."), (t, m) -> random(m.group(1).substring(4))),
        // Heroku's HRKU- prefix is documented with a 60-character tail; keys shown as HRKU- + UUID circulate too
        new FormatRule(Rule.HEROKU_KEY, LazyPattern.compile(B + "(HRKU-(?:[A-Za-z0-9_-]{58,60}|" + UUID + "))" + E), 1,
            exact("HRKU-"), (t, m) -> random(m.group(1).substring(5))),
        new FormatRule(Rule.HEROKU_KEY, LazyPattern.compile("(?i:heroku)" + NEXT_TO + "(" + UUID + ")(?![A-Za-z0-9-])"), 1,
            anyCase("heroku"), (t, m) -> random(m.group(1))),
        new FormatRule(Rule.HUBSPOT_TOKEN, LazyPattern.compile(B + "(pat-(?:na|eu|ap)[0-9]-" + UUID + ")(?![A-Za-z0-9-])"), 1,
            exact("pat-na", "pat-eu", "pat-ap"), (t, m) -> random(m.group(1).substring(8))),
        new FormatRule(Rule.HUBSPOT_TOKEN, LazyPattern.compile("(?i:hubspot|hapikey)" + NEXT_TO + "(" + UUID + ")(?![A-Za-z0-9-])"),
            1, anyCase("hubspot", "hapikey"), (t, m) -> random(m.group(1))));
  }

  /** Mapbox, Teams webhooks, Notion, Octopus Deploy, PKCS#12, Snyk, Sourcegraph, Squarespace, Vault. */
  private static List<FormatRule> mapboxToVault() {
    return List.of(
        new FormatRule(Rule.MAPBOX_TOKEN,
            LazyPattern.compile(B + "(sk\\.eyJ[A-Za-z0-9_-]{20,}\\.[A-Za-z0-9_-]{20,})" + E), 1, exact("sk.eyJ"),
            (t, m) -> Checksums.decodesToJsonObject(m.group(1).substring(3, m.group(1).indexOf('.', 3)))),
        new FormatRule(Rule.TEAMS_WEBHOOK,
            LazyPattern.compile("https://[A-Za-z0-9-]+\\.webhook\\.office\\.com/webhookb2/(" + UUID + "@" + UUID
                + "/IncomingWebhook/[0-9a-f]{32}/" + UUID + "(?:/[A-Za-z0-9_-]{20,})?)"), 1,
            exact(".webhook.office.com/webhookb2/"), (t, m) -> random(m.group(1))).back(80),
        new FormatRule(Rule.TEAMS_WEBHOOK,
            LazyPattern.compile("https://outlook\\.office(?:365)?\\.com/webhook/(" + UUID + "@" + UUID
                + "/IncomingWebhook/[0-9a-f]{32}/" + UUID + ")"), 1, exact("https://outlook.office"),
            (t, m) -> random(m.group(1))),
        new FormatRule(Rule.NOTION_TOKEN,
            LazyPattern.compile("(?<![A-Za-z0-9_])(ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})(?![A-Za-z0-9])"), 1,
            exact("ntn_", "secret_"), (t, m) -> random(m.group(1).substring(4)) && mixed(m.group(1).substring(5))),
        new FormatRule(Rule.OCTOPUS_KEY, LazyPattern.compile("(?<![A-Za-z0-9_-])(API-[A-Z0-9]{25,32})(?![A-Za-z0-9])"), 1,
            exact("API-"), (t, m) -> random(m.group(1).substring(4)) && digitsAndLetters(m.group(1).substring(4))),
        // base64 of a DER PKCS#12 PFX: SEQUENCE, INTEGER 3, SEQUENCE; verified by decoding the framing
        new FormatRule(Rule.PKCS12,
            LazyPattern.compile("(?<![A-Za-z0-9+/])(MI[I-L][A-Za-z0-9+/]{2}[AQgw]IBAz[A-Za-z0-9+/\\r\\n]{200,}={0,2})"), 1,
            exact("IBAz"), (t, m) -> Checksums.isPkcs12(Checksums.decode(head(m.group(1))))).back(6)
            .live((t, m) -> true),
        new FormatRule(Rule.SNYK_TOKEN, LazyPattern.compile("(?i:snyk)" + NEXT_TO + "(" + UUID + ")(?![A-Za-z0-9-])"), 1,
            anyCase("snyk"), (t, m) -> random(m.group(1))),
        new FormatRule(Rule.SOURCEGRAPH_TOKEN,
            LazyPattern.compile(B + "(sgp_(?:[0-9a-f]{16}_)?[0-9a-f]{40}|sgp_local_[0-9a-f]{40})(?![A-Za-z0-9])"), 1,
            exact("sgp_"), (t, m) -> random(m.group(1).substring(4))),
        new FormatRule(Rule.SQUARESPACE_KEY, LazyPattern.compile("(?i:squarespace)" + NEXT_TO + "(" + UUID + ")(?![A-Za-z0-9-])"),
            1, anyCase("squarespace"), (t, m) -> random(m.group(1))),
        new FormatRule(Rule.VAULT_TOKEN, LazyPattern.compile("(?<![A-Za-z0-9_.-])(hv[sbr]\\.[A-Za-z0-9_-]{24,})" + E), 1,
            exact("hvs.", "hvb.", "hvr."), (t, m) -> random(m.group(1).substring(4)) && mixed(m.group(1).substring(4))));
  }

  /** Telegram, Fly.io, Atlassian, Stripe webhooks and the formats added after them. */
  private static List<FormatRule> telegramAndLater() {
    return List.of(
        new FormatRule(Rule.TELEGRAM_BOT_TOKEN,
            LazyPattern.compile("(?<![A-Za-z0-9_:-])([0-9]{8,10}:AA[A-Za-z0-9_-]{33})" + E), 1, exact(":AA"),
            (t, m) -> random(m.group(1).substring(m.group(1).indexOf(':') + 3))).back(10),
        new FormatRule(Rule.FLYIO_TOKEN,
            LazyPattern.compile(B + "(fo1_[A-Za-z0-9_-]{43}|fm[12][ar]?_[A-Za-z0-9+/=_-]{100,})"), 1,
            exact("fo1_", "fm1_", "fm2_", "fm1a_", "fm2a_", "fm1r_", "fm2r_"), (t, m) -> random(m.group(1).substring(4))),
        new FormatRule(Rule.ATLASSIAN_TOKEN,
            LazyPattern.compile(B + "(AT(?:ATT|CTT)3[A-Za-z0-9_=-]{150,250})" + E), 1, exact("ATATT3", "ATCTT3"),
            (t, m) -> random(m.group(1).substring(6))),
        new FormatRule(Rule.ATLASSIAN_TOKEN,
            LazyPattern.compile("(?i:atlassian|jira|confluence)[A-Za-z0-9_.-]{0,20}?(?i:token|api_?key|secret|pass)" + NEXT_TO
                + "([A-Za-z0-9]{24})(?![A-Za-z0-9])"), 1, anyCase("atlassian", "jira", "confluence"),
            (t, m) -> random(m.group(1)) && mixed(m.group(1))),
        new FormatRule(Rule.STRIPE_WEBHOOK_SECRET, LazyPattern.compile(B + "(whsec_[A-Za-z0-9]{32,64})(?![A-Za-z0-9])"), 1,
            exact("whsec_"), (t, m) -> random(m.group(1).substring(6)) && mixed(m.group(1).substring(6))),
        prefixed(Rule.SONARQUBE_TOKEN, "(sq[upa]_[0-9a-f]{40})", "squ_", "sqp_", "sqa_"),
        // SonarQube's legacy user tokens (before the squ_ prefix): 40 hex, recognised as a sonar login or token
        new FormatRule(Rule.SONARQUBE_TOKEN, LazyPattern.compile("(?i:sonar)[A-Za-z0-9_.-]{0,12}?(?i:login|token)"
            + KEY_TO_VALUE + "([0-9a-f]{40})(?![A-Za-z0-9])"), 1, anyCase("sonar"),
            (t, m) -> random(m.group(1)) && mixed(m.group(1))),
        // Linode personal access tokens: 64 hex, recognised next to a Linode name
        new FormatRule(Rule.LINODE_TOKEN, LazyPattern.compile("(?i:linode)" + NEXT_TO + "([0-9a-f]{64})(?![A-Za-z0-9])"), 1,
            anyCase("linode"), (t, m) -> random(m.group(1)) && mixed(m.group(1))),
        // Yandex Cloud's documented formats: IAM tokens t1.<payload>.<86-character signature>, OAuth tokens y0_ to y3_
        new FormatRule(Rule.YANDEX_TOKEN,
            LazyPattern.compile(B + "(t1\\.[A-Za-z0-9_-]+={0,2}\\.[A-Za-z0-9_-]{86}={0,2}|y[0-3]_[A-Za-z0-9_-]{55})" + E), 1,
            exact("t1.", "y0_", "y1_", "y2_", "y3_"), (t, m) -> random(m.group(1).substring(3)) && mixed(m.group(1))),
        // Tencent Cloud SecretIds: AKID + 32 alphanumerics (the SecretKey beside it has no prefix of its own)
        new FormatRule(Rule.TENCENT_SECRET_ID, LazyPattern.compile("(?<![A-Za-z0-9])(AKID[A-Za-z0-9]{32})(?![A-Za-z0-9])"), 1,
            exact("AKID"), (t, m) -> random(m.group(1).substring(4)) && mixed(m.group(1).substring(4))),
        // Alchemy's documented endpoints carry the API key as the last path segment: .../v2/<32>
        new FormatRule(Rule.ALCHEMY_KEY,
            LazyPattern.compile("(?i:alchemy(?:api)?\\.(?:io|com))/v2/([A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])"), 1,
            anyCase("alchemy"), (t, m) -> random(m.group(1)) && mixed(m.group(1))),
        prefixed(Rule.GRAFANA_TOKEN, "(glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[0-9a-fA-F]{8})", "glc_", "glsa_"),
        prefixed(Rule.FIGMA_TOKEN, "(figd_[A-Za-z0-9_-]{38,44})", "figd_"),
        prefixed(Rule.PLANETSCALE_TOKEN, "(pscale_(?:pw|tkn|oauth)_[A-Za-z0-9_.-]{32,64})", "pscale_"),
        prefixed(Rule.SHIPPO_TOKEN, "(shippo_(?:live|test)_[0-9a-f]{40})", "shippo_"),
        prefixed(Rule.MAILGUN_KEY, "(key-[0-9a-f]{32})", "key-"),
        prefixed(Rule.RIOT_API_KEY, "(RGAPI-" + UUID + ")", "RGAPI-"),
        prefixed(Rule.ADAFRUIT_IO_KEY, "(aio_[A-Za-z0-9]{28})", "aio_"),
        prefixed(Rule.UBIDOTS_TOKEN, "(BBFF-[A-Za-z0-9]{30})", "BBFF-"),
        prefixed(Rule.ZUPLO_KEY, "(zpka_[0-9a-f]{32}_[0-9a-f]{8})", "zpka_"),
        prefixed(Rule.FCM_SERVER_KEY, "(AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134})", "APA91b").back(12),
        new FormatRule(Rule.POSTMARK_TOKEN, LazyPattern.compile("(?i:postmark)" + NEXT_TO + "(" + UUID + ")(?![A-Za-z0-9-])"),
            1, anyCase("postmark"), (t, m) -> random(m.group(1))));
  }

  /**
   * A token whose vendor prefix alone identifies it: the prefix, a random part of the documented
   * length and alphabet (not a word, a run or a placeholder, and with letters and digits), and no
   * token character on either side.
   */
  private static FormatRule prefixed(Rule rule, String group, String... anchors) {
    return new FormatRule(rule, LazyPattern.compile(B + group + E), 1, exact(anchors), (t, m) -> {
      String token = m.group(1);
      String tail = token.substring(Math.min(token.length(), prefixLength(token)));
      return random(tail) && mixed(tail);
    });
  }

  /** The vendor prefix: up to and including the last separator among the first 14 characters. */
  private static int prefixLength(String token) {
    int end = 0;
    for (int i = 0; i < Math.min(token.length(), 14); i++) {
      char c = token.charAt(i);
      if (c == '_' || c == '-' || c == ':') {
        end = i + 1;
      }
    }
    return end;
  }

  /** The first base64 characters of a value, line breaks removed, whole quanta only. */
  private static String head(String b64) {
    String s = b64.replace("\r", "").replace("\n", "");
    int n = Math.min(s.length(), 64);
    return s.substring(0, n - n % 4);
  }

  static boolean random(String tail) {
    return SecretValues.looksRandom(tail);
  }

  /** At least one letter and one digit: vendors' random parts, unlike words and placeholders. */
  static boolean mixed(String s) {
    boolean letter = false;
    boolean digit = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      letter |= Character.isLetter(c);
      digit |= Character.isDigit(c);
    }
    return letter && digit;
  }

  private static boolean digitsAndLetters(String s) {
    return mixed(s) && !s.toUpperCase(Locale.ROOT).contains("EXAMPLE");
  }

}
