package io.secretsbroker.guard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.secretsbroker.guard.FormatRule.WINDOW;
import static io.secretsbroker.guard.FormatRule.anyCase;
import static io.secretsbroker.guard.FormatRule.exact;
import static io.secretsbroker.guard.SecretValues.distinctChars;
import static io.secretsbroker.guard.SecretValues.isAwsSecretShape;
import static io.secretsbroker.guard.SecretValues.isPlaceholderOrReference;
import static io.secretsbroker.guard.SecretValues.isRealPassword;
import static io.secretsbroker.guard.SecretValues.isWellKnownFake;
import static io.secretsbroker.guard.SecretValues.looksRandom;

/**
 * The format rules {@link Detector} has always had, in their order of precedence (an overlapping
 * match of a later rule is dropped), with the checks that accept or reject their matches: cloud
 * and VCS tokens, JWTs and registry tokens, then credentials inside URLs, JDBC and ADO.NET
 * connection strings and query strings. Vendors' newer formats are in {@link TokenFormats}.
 * Stateless; thread-safe; the checks never throw on odd input.
 */
final class CoreFormats {
  private CoreFormats() {}

  /** Every rule of this class, in order of precedence. */
  static List<FormatRule> rules() {
    List<FormatRule> rules = new ArrayList<>(vendorTokens());
    rules.addAll(jwtsAndRegistries());
    rules.addAll(credentialsInStrings());
    return rules;
  }

  /** AWS, private keys, GitHub, GitLab, Slack, Stripe, Google. */
  private static List<FormatRule> vendorTokens() {
    return List.of(
        new FormatRule(Rule.AWS_ACCESS_KEY_ID,
            LazyPattern.compile("(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})(?![A-Za-z0-9])"),
            1, exact("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
            (t, m) -> looksRandom(m.group(1).substring(4)) && !inPresignedUrl(t, m.start(1))),
        new FormatRule(Rule.AWS_SECRET_ACCESS_KEY,
            LazyPattern.compile("(?i:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key|aws_?secret)"
                + "[\"']?\\s*(?:=>|=|:|,)\\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"),
            1, anyCase("ecret"), (t, m) -> isAwsSecretShape(m.group(1)), 8,
            (t, from) -> "aAsS".indexOf(t.charAt(from)) >= 0, WINDOW),
        new FormatRule(Rule.PRIVATE_KEY,
            LazyPattern.compile("-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----"),
            0, exact("-----BEGIN "), (t, m) -> privateKeyBody(t, m.end()) != null)
            .live((t, m) -> Checksums.privateKeyParses(privateKeyBody(t, m.end()))),
        new FormatRule(Rule.GITHUB_TOKEN,
            LazyPattern.compile("(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})"
                + "(?![A-Za-z0-9_])"),
            1, exact("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"), (t, m) -> looksRandom(m.group(1).substring(4)))
            .live((t, m) -> m.group(1).length() == 40 && Checksums.crc32Base62(m.group(1).substring(4))),
        new FormatRule(Rule.GITLAB_TOKEN,
            LazyPattern.compile("(?<![A-Za-z0-9_-])(gl(?:pat|dt|rt|ptt|soat|oas|cbt|ft|imt)-[A-Za-z0-9_-]{20,64})(?![A-Za-z0-9_-])"),
            1, exact("glpat-", "gldt-", "glrt-", "glptt-", "glsoat-", "gloas-", "glcbt-", "glft-", "glimt-"),
            (t, m) -> looksRandom(m.group(1).substring(m.group(1).indexOf('-') + 1))),
        // Slack's token structure: workspace and user/bot ids (digits), then the random part (24 characters
        // in Slack's examples; Slack does not promise a length, and longer bot tokens circulate)
        new FormatRule(Rule.SLACK_TOKEN,
            LazyPattern.compile("(?<![A-Za-z0-9.-])(xoxb-[0-9]{8,13}-(?:[0-9]{8,13}-)?[A-Za-z0-9]{24,32}"
                + "|xox[pasor]-(?:2-)?[0-9]{8,13}-[0-9]{8,13}-[0-9]{8,13}-[a-f0-9]{32,64}"
                + "|xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{8,13}-[a-f0-9]{64}"
                + "|xoxe\\.xox[bp]-[0-9]-[A-Za-z0-9]{100,300}|xoxe-[0-9]-[A-Za-z0-9]{100,300})(?![A-Za-z0-9-])"),
            1, exact("xoxb-", "xoxa-", "xoxp-", "xoxo-", "xoxs-", "xoxr-", "xoxe-", "xoxe.", "xapp-"),
            (t, m) -> looksRandom(m.group(1).substring(5))
                && (!m.group(1).startsWith("xoxe") || TokenFormats.mixed(tail(m.group(1))))),
        new FormatRule(Rule.SLACK_WEBHOOK,
            LazyPattern.compile("https://hooks\\.slack\\.com/(?:services|workflows|triggers)/([A-Za-z0-9_/]{20,})"),
            1, exact("https://hooks.slack.com/"), (t, m) -> looksRandom(m.group(1))),
        new FormatRule(Rule.STRIPE_KEY,
            LazyPattern.compile("(?<![A-Za-z0-9_])((?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{24,247})(?![A-Za-z0-9_])"),
            1, exact("sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"),
            (t, m) -> looksRandom(m.group(1).substring(8))),
        new FormatRule(Rule.GOOGLE_API_KEY,
            LazyPattern.compile("(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])"),
            1, exact("AIza"), (t, m) -> looksRandom(m.group(1).substring(4))));
  }

  /** Azure connection strings and SAS tokens, JWTs (signed, unsigned, wrapped), npm and PyPI tokens. */
  private static List<FormatRule> jwtsAndRegistries() {
    return List.of(
        new FormatRule(Rule.AZURE_CONNECTION_STRING,
            LazyPattern.compile("(?i)(?:AccountKey|SharedAccessKey)\\s*=\\s*([A-Za-z0-9+/]{20,}={0,2})"),
            1, anyCase("AccountKey", "SharedAccessKey"), (t, m) -> looksRandom(m.group(1))),
        new FormatRule(Rule.AZURE_SAS_TOKEN,
            LazyPattern.compile("(?<![A-Za-z0-9_])sig=([A-Za-z0-9%+/]{30,}(?:%3[Dd]|=){0,2})"),
            1, exact("sig="), (t, m) -> isSas(t, m.start()) && looksRandom(m.group(1))),
        new FormatRule(Rule.JWT,
            LazyPattern.compile("(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,})"),
            1, exact("eyJ"), (t, m) -> isSignedJwt(m.group(1))),
        // an unsigned token (alg none) still carries claims a server may accept: reported, never live
        new FormatRule(Rule.JWT,
            LazyPattern.compile("(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.)(?![A-Za-z0-9_.-])"),
            1, exact("eyJ"), (t, m) -> isJwtWithClaims(m.group(1))),
        // a JWT wrapped in base64 once more (Kubernetes secrets, HTTP headers): base64 of "eyJ" is "ZXlK"
        new FormatRule(Rule.JWT, LazyPattern.compile("(?<![A-Za-z0-9+/])(ZXlK[A-Za-z0-9+/]{60,}={0,2})"),
            1, exact("ZXlK"), (t, m) -> isWrappedJwt(m.group(1))),
        new FormatRule(Rule.NPM_TOKEN,
            LazyPattern.compile("(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])"),
            1, exact("npm_"), (t, m) -> looksRandom(m.group(1).substring(4)))
            .live((t, m) -> Checksums.crc32Base62(m.group(1).substring(4))),
        new FormatRule(Rule.PYPI_TOKEN,
            LazyPattern.compile("(pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,})"),
            1, exact("pypi-AgE"), (t, m) -> true).live((t, m) -> isPypiMacaroon(m.group(1))));
  }

  /** Passwords inside URLs, JDBC and ADO.NET connection strings, and query or form strings. */
  private static List<FormatRule> credentialsInStrings() {
    return List.of(
        // the scheme is the run of scheme characters just before "://": one candidate start
        new FormatRule(Rule.URL_PASSWORD,
            LazyPattern.compile("(?<![A-Za-z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]{1,20}://([^\\s:/?#@\"'<>\\[\\]{}()]{1,128}):"
                + "([^\\s/?#@\"'<>{}]{1,256})@(?:[A-Za-z0-9.-]+|\\[[0-9a-fA-F:]+\\])"),
            2, exact("://"), (t, m) -> isUrlPassword(m.group(1), m.group(2)), 21,
            (t, from) -> isAsciiLetter(t.charAt(from)) && (from == 0 || !isSchemeChar(t.charAt(from - 1))), WINDOW),
        new FormatRule(Rule.JDBC_PASSWORD,
            LazyPattern.compile("(?i)jdbc:[a-z0-9]+:[^\\s\"'<>]*?[?;&:]password=([^;&\\s\"'<>()]+)"),
            1, anyCase("jdbc:"), (t, m) -> isRealPassword(m.group(1))),
        // ADO.NET-style connection strings, anchored on the keyword that starts them
        new FormatRule(Rule.JDBC_PASSWORD,
            LazyPattern.compile("(?i)(?:server|data source|host|address)\\s*=[^;\"'\\n]{1,200};(?:[^;\"'\\n]{0,200};){0,10}?"
                + "\\s*(?:password|pwd)\\s*=\\s*([^;\"'\\s]+)"),
            1, anyCase("server", "data source", "host", "address"), (t, m) -> isRealPassword(m.group(1)), 0,
            null, 4 * WINDOW),
        new FormatRule(Rule.QUERY_CREDENTIAL,
            LazyPattern.compile("(?i)(?:(?<=[?&;])(" + QUERY_KEYS + ")=([^&;\\s\"'<>#\\\\]{3,200})"
                + "|(?<![A-Za-z0-9_.-])(" + QUERY_KEYS + ")=([^&;\\s\"'<>#\\\\]{3,200})(?=&[A-Za-z_]+=)"
                // a pair among pairs separated by space, comma, bar or hash (libpq's "host=h user=u
                // password=p"), or a string literal that is one pair: "token=..." ends at its quote
                + "|(?<=[ \\t,|#\"'])(" + QUERY_KEYS + ")=([^&;,|\\s\"'<>#\\\\]{3,200})"
                + "(?=[&;,|# \\t]+[A-Za-z_]+=|[\"']))"),
            0, anyCase("password=", "passwd=", "pwd=", "pass=", "token=", "secret=", "apikey=", "api_key=",
                "access_token=", "client_secret=", "auth_token="), (t, m) -> isQueryCredential(m), 40,
            null, WINDOW));
  }

  /**
   * An access key id as the credential parameter of a pre-signed S3 URL ({@code AWSAccessKeyId=},
   * {@code X-Amz-Credential=}): the URL is made to be shared, its signature expires, and the key
   * id alone grants nothing; the secret key never appears in it.
   */
  private static boolean inPresignedUrl(CharSequence t, int at) {
    String before = t.subSequence(Math.max(0, at - 17), at).toString();
    return before.endsWith("AWSAccessKeyId=") || before.endsWith("X-Amz-Credential=");
  }

  /** The base64 body following a PEM header, or null when there is none (a placeholder or a bare header). */
  static String privateKeyBody(String text, int from) {
    StringBuilder body = new StringBuilder(64);
    int limit = Math.min(text.length(), from + 8192);
    for (int i = from; i < limit; i++) {
      char c = text.charAt(i);
      if (c == '-' && text.startsWith("-----END", i)) {
        break;
      }
      if (c == '\\' && i + 1 < limit && (text.charAt(i + 1) == 'n' || text.charAt(i + 1) == 'r')) {
        i++;
        continue;
      }
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
          || c == '=') {
        body.append(c);
      } else if (c == '.' || c == '<' || c == '$' || c == '{') {
        return null;
      }
    }
    return body.length() >= 40 && looksRandom(body.toString()) ? body.toString() : null;
  }

  private static boolean isSas(String text, int sigAt) {
    int from = Math.max(0, sigAt - 400);
    String before = text.substring(from, sigAt);
    return before.contains("sv=") || before.contains("se=") || before.contains("sp=")
        || before.contains("SharedAccessSignature");
  }

  /** Names a query or form string carries credentials under (the value follows {@code =}). */
  private static final String QUERY_KEYS = "password|passwd|pwd|pass|token|secret|apikey|api_key|access_token"
      + "|client_secret|auth_token";

  private static final Pattern TRUNCATED_TOKEN = Pattern.compile("hv[sbr]\\.|gh[pousr]_|xox[a-z]-|[sr]k_|glpat-|npm_|sk-");

  private static boolean isQueryCredential(Matcher m) {
    String value = m.group(2) != null ? m.group(2) : m.group(4) != null ? m.group(4) : m.group(6);
    String p = value == null ? "" : value;
    if (p.startsWith("{") || p.startsWith("$") || p.startsWith("%") || p.startsWith(":")
        || (p.length() < 20 && TRUNCATED_TOKEN.matcher(p).lookingAt())) {
      return false; // a template, or a vendor prefix with a stub (token=hvs.abc): a placeholder
    }
    if (m.group(6) != null && !m.group(5).toLowerCase(Locale.ROOT).startsWith("p")
        && !SecretValues.isGenericSecretValue(p)) {
      return false; // outside a query string, a token or secret (issued, random) needs a random-looking value
    }
    return isRealPassword(p) && !isWellKnownFake(p);
  }

  /** The part after a token's last separator: Slack's random part. */
  private static String tail(String token) {
    return token.substring(Math.max(token.lastIndexOf('-'), token.lastIndexOf('.')) + 1);
  }

  /** A PyPI token is a macaroon: its base64 body starts with the version byte and the location "pypi.org". */
  private static boolean isPypiMacaroon(String token) {
    String body = token.substring(5, Math.min(token.length(), 5 + 64));
    byte[] b = Checksums.decode(body.substring(0, body.length() - body.length() % 4));
    return b != null && new String(b, StandardCharsets.ISO_8859_1).contains("pypi.org");
  }

  /** An unsigned JWT ({@code header.payload.}) whose header names an algorithm and whose payload is a JSON object. */
  private static boolean isJwtWithClaims(String jwt) {
    String[] parts = jwt.split("\\.");
    return parts.length == 2 && Checksums.decodesToJsonObject(parts[0]) && Checksums.decodesToJsonObject(parts[1])
        && new String(Checksums.decode(parts[0]), StandardCharsets.UTF_8).contains("\"alg\"");
  }

  /** Base64 text that decodes to a signed or unsigned JWT. */
  private static boolean isWrappedJwt(String b64) {
    byte[] b = Checksums.decode(b64.substring(0, b64.length() - b64.length() % 4));
    if (b == null) {
      return false;
    }
    String inner = new String(b, StandardCharsets.ISO_8859_1).strip();
    int first = inner.indexOf('.');
    int second = first < 0 ? -1 : inner.indexOf('.', first + 1);
    if (second < 0) {
      return false;
    }
    String jwt = inner.substring(0, Math.min(inner.length(), inner.indexOf('.', second + 1) < 0
        ? inner.length() : inner.indexOf('.', second + 1)));
    return jwt.endsWith(".") ? isJwtWithClaims(jwt) : isSignedJwt(jwt.split("\\s")[0]);
  }

  private static boolean isSignedJwt(String jwt) {
    int dot = jwt.indexOf('.');
    try {
      String header = new String(Base64.getUrlDecoder().decode(stripPadding(jwt.substring(0, dot))), StandardCharsets.UTF_8);
      return header.contains("\"alg\"") && !header.replace(" ", "").contains("\"alg\":\"none\"");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String stripPadding(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '=') {
      end--;
    }
    return s.substring(0, end);
  }

  private static boolean isUrlPassword(String user, String password) {
    if (!isRealPassword(password) || password.equals(user)) {
      return false;
    }
    return !password.startsWith("$");
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isSchemeChar(char c) {
    return isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-';
  }
}
