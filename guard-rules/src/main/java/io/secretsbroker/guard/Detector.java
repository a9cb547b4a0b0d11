package io.secretsbroker.guard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.secretsbroker.guard.FormatRule.WINDOW;
import static io.secretsbroker.guard.FormatRule.anyCase;
import static io.secretsbroker.guard.FormatRule.exact;

/**
 * The guard's detection rules, shared by the runtime guard and the source scanner.
 *
 * <p>Design note. Format rules ({@link #scanText}) are regular expressions behind literal anchors:
 * one Aho-Corasick pass ({@link AnchorScanner}) finds every anchor of every rule ({@code AKIA},
 * {@code ghp_}, {@code accountkey}, ...), and a rule's expression then runs only at its anchors'
 * occurrences, in a bounded window, so text without any anchor costs one pass over its
 * characters. Keyed rules ({@link #scanAssignment}) judge a
 * value by the name it is assigned to: a secret-sounding name ({@link #isSecretName}) plus a value
 * that is not a placeholder or reference ({@link #isPlaceholderOrReference}) and whose Shannon
 * entropy is high enough ({@link #entropy}). UUIDs, git hashes and integrity hashes never match a
 * format rule; they count only when assigned to a secret name.
 *
 * <p>Immutable and thread-safe; one shared instance ({@link #defaults()}) serves every caller.
 * Methods never throw on odd input and never log; values leave only masked, through
 * {@link Detection}.
 */
public final class Detector {
  private static final Detector DEFAULTS = new Detector();

  private final List<FormatRule> formatRules;
  private final AnchorScanner anchorScanner;
  /** For each anchor of {@link #anchorScanner}, the index of its rule in {@link #formatRules}. */
  private final int[] anchorOwner;

  private Detector() {
    List<FormatRule> rules = new ArrayList<>(List.of(
        new FormatRule(Rule.AWS_ACCESS_KEY_ID,
            Pattern.compile("(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})(?![A-Za-z0-9])"),
            1, exact("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
            (t, m) -> looksRandom(m.group(1).substring(4)) && !inPresignedUrl(t, m.start(1))),
        new FormatRule(Rule.AWS_SECRET_ACCESS_KEY,
            Pattern.compile("(?i:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key|aws_?secret)"
                + "[\"']?\\s*(?:=>|=|:|,)\\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"),
            1, anyCase("ecret"), (t, m) -> isAwsSecretShape(m.group(1)), 8,
            (t, from) -> "aAsS".indexOf(t.charAt(from)) >= 0, WINDOW),
        new FormatRule(Rule.PRIVATE_KEY,
            Pattern.compile("-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----"),
            0, exact("-----BEGIN "), (t, m) -> privateKeyBody(t, m.end()) != null)
            .live((t, m) -> Checksums.privateKeyParses(privateKeyBody(t, m.end()))),
        new FormatRule(Rule.GITHUB_TOKEN,
            Pattern.compile("(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})"
                + "(?![A-Za-z0-9_])"),
            1, exact("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"), (t, m) -> looksRandom(m.group(1).substring(4)))
            .live((t, m) -> m.group(1).length() == 40 && Checksums.crc32Base62(m.group(1).substring(4))),
        new FormatRule(Rule.GITLAB_TOKEN,
            Pattern.compile("(?<![A-Za-z0-9_-])(gl(?:pat|dt|rt|ptt|soat|oas|cbt|ft|imt)-[A-Za-z0-9_-]{20,64})(?![A-Za-z0-9_-])"),
            1, exact("glpat-", "gldt-", "glrt-", "glptt-", "glsoat-", "gloas-", "glcbt-", "glft-", "glimt-"),
            (t, m) -> looksRandom(m.group(1).substring(m.group(1).indexOf('-') + 1))),
        // Slack's token structure: workspace and user/bot ids (digits), then the random part
        new FormatRule(Rule.SLACK_TOKEN,
            Pattern.compile("(?<![A-Za-z0-9.-])(xoxb-[0-9]{8,13}-(?:[0-9]{8,13}-)?[A-Za-z0-9]{24}"
                + "|xox[pasor]-(?:2-)?[0-9]{8,13}-[0-9]{8,13}-[0-9]{8,13}-[a-f0-9]{32,64}"
                + "|xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{8,13}-[a-f0-9]{64}"
                + "|xoxe\\.xox[bp]-[0-9]-[A-Za-z0-9]{100,300}|xoxe-[0-9]-[A-Za-z0-9]{100,300})(?![A-Za-z0-9-])"),
            1, exact("xoxb-", "xoxa-", "xoxp-", "xoxo-", "xoxs-", "xoxr-", "xoxe-", "xoxe.", "xapp-"),
            (t, m) -> looksRandom(m.group(1).substring(5))
                && (!m.group(1).startsWith("xoxe") || TokenFormats.mixed(tail(m.group(1))))),
        new FormatRule(Rule.SLACK_WEBHOOK,
            Pattern.compile("https://hooks\\.slack\\.com/(?:services|workflows|triggers)/([A-Za-z0-9_/]{20,})"),
            1, exact("https://hooks.slack.com/"), (t, m) -> looksRandom(m.group(1))),
        new FormatRule(Rule.STRIPE_KEY,
            Pattern.compile("(?<![A-Za-z0-9_])((?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{24,247})(?![A-Za-z0-9_])"),
            1, exact("sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"),
            (t, m) -> looksRandom(m.group(1).substring(8))),
        new FormatRule(Rule.GOOGLE_API_KEY,
            Pattern.compile("(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])"),
            1, exact("AIza"), (t, m) -> looksRandom(m.group(1).substring(4))),
        new FormatRule(Rule.AZURE_CONNECTION_STRING,
            Pattern.compile("(?i)(?:AccountKey|SharedAccessKey)\\s*=\\s*([A-Za-z0-9+/]{20,}={0,2})"),
            1, anyCase("AccountKey", "SharedAccessKey"), (t, m) -> looksRandom(m.group(1))),
        new FormatRule(Rule.AZURE_SAS_TOKEN,
            Pattern.compile("(?<![A-Za-z0-9_])sig=([A-Za-z0-9%+/]{30,}(?:%3[Dd]|=){0,2})"),
            1, exact("sig="), (t, m) -> isSas(t, m.start()) && looksRandom(m.group(1))),
        new FormatRule(Rule.JWT,
            Pattern.compile("(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,})"),
            1, exact("eyJ"), (t, m) -> isSignedJwt(m.group(1))),
        // an unsigned token (alg none) still carries claims a server may accept: reported, never live
        new FormatRule(Rule.JWT,
            Pattern.compile("(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.)(?![A-Za-z0-9_.-])"),
            1, exact("eyJ"), (t, m) -> isJwtWithClaims(m.group(1))),
        // a JWT wrapped in base64 once more (Kubernetes secrets, HTTP headers): base64 of "eyJ" is "ZXlK"
        new FormatRule(Rule.JWT, Pattern.compile("(?<![A-Za-z0-9+/])(ZXlK[A-Za-z0-9+/]{60,}={0,2})"),
            1, exact("ZXlK"), (t, m) -> isWrappedJwt(m.group(1))),
        new FormatRule(Rule.NPM_TOKEN,
            Pattern.compile("(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])"),
            1, exact("npm_"), (t, m) -> looksRandom(m.group(1).substring(4)))
            .live((t, m) -> Checksums.crc32Base62(m.group(1).substring(4))),
        new FormatRule(Rule.PYPI_TOKEN,
            Pattern.compile("(pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,})"),
            1, exact("pypi-AgE"), (t, m) -> true).live((t, m) -> isPypiMacaroon(m.group(1))),
        // the scheme is the run of scheme characters just before "://": one candidate start
        new FormatRule(Rule.URL_PASSWORD,
            Pattern.compile("(?<![A-Za-z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]{1,20}://([^\\s:/?#@\"'<>\\[\\]{}()]{1,128}):"
                + "([^\\s/?#@\"'<>{}]{1,256})@(?:[A-Za-z0-9.-]+|\\[[0-9a-fA-F:]+\\])"),
            2, exact("://"), (t, m) -> isUrlPassword(m.group(1), m.group(2)), 21,
            (t, from) -> isAsciiLetter(t.charAt(from)) && (from == 0 || !isSchemeChar(t.charAt(from - 1))), WINDOW),
        new FormatRule(Rule.JDBC_PASSWORD,
            Pattern.compile("(?i)jdbc:[a-z0-9]+:[^\\s\"'<>]*?[?;&:]password=([^;&\\s\"'<>()]+)"),
            1, anyCase("jdbc:"), (t, m) -> isRealPassword(m.group(1))),
        // ADO.NET-style connection strings, anchored on the keyword that starts them
        new FormatRule(Rule.JDBC_PASSWORD,
            Pattern.compile("(?i)(?:server|data source|host|address)\\s*=[^;\"'\\n]{1,200};(?:[^;\"'\\n]{0,200};){0,10}?"
                + "\\s*(?:password|pwd)\\s*=\\s*([^;\"'\\s]+)"),
            1, anyCase("server", "data source", "host", "address"), (t, m) -> isRealPassword(m.group(1)), 0,
            null, 4 * WINDOW),
        new FormatRule(Rule.QUERY_CREDENTIAL,
            Pattern.compile("(?i)(?:(?<=[?&;])(" + QUERY_KEYS + ")=([^&;\\s\"'<>#\\\\]{3,200})"
                + "|(?<![A-Za-z0-9_.-])(" + QUERY_KEYS + ")=([^&;\\s\"'<>#\\\\]{3,200})(?=&[A-Za-z_]+=))"),
            0, anyCase("password=", "passwd=", "pwd=", "pass=", "token=", "secret=", "apikey=", "api_key=",
                "access_token=", "client_secret=", "auth_token="), (t, m) -> isQueryCredential(m), 40,
            null, WINDOW)));
    rules.addAll(TokenFormats.rules());
    this.formatRules = List.copyOf(rules);
    List<String> anchorText = new ArrayList<>();
    List<Boolean> anchorExact = new ArrayList<>();
    List<Integer> owner = new ArrayList<>();
    for (int r = 0; r < formatRules.size(); r++) {
      for (FormatRule.Anchor a : formatRules.get(r).anchors()) {
        anchorText.add(a.text());
        anchorExact.add(a.exact());
        owner.add(r);
      }
    }
    this.anchorScanner = new AnchorScanner(anchorText, anchorExact);
    this.anchorOwner = owner.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The shared instance with every rule enabled. */
  public static Detector defaults() {
    return DEFAULTS;
  }

  // ---------------------------------------------------------------- format rules

  /**
   * Runs every format rule over {@code text}: credentials recognised by their shape alone. Offsets
   * in the detections are offsets in {@code text}; overlapping detections of a less specific rule
   * are dropped.
   */
  public List<Detection> scanText(String text) {
    Hits hits = new Hits(formatRules.size());
    anchorScanner.scan(text, (anchor, start) -> hits.add(anchorOwner[anchor], start));
    if (hits.none) {
      return List.of();
    }
    List<Detection> out = null;
    for (int r = 0; r < formatRules.size(); r++) {
      int[] at = hits.starts[r];
      if (at == null) {
        continue;
      }
      FormatRule rule = formatRules.get(r);
      Matcher m = rule.pattern().matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
      for (int i = 0; i < hits.counts[r]; i++) {
        int anchorAt = at[i];
        int end = Math.min(text.length(), anchorAt + rule.window());
        for (int from = Math.max(0, anchorAt - rule.back()); from <= anchorAt; from++) {
          if (rule.startFilter() != null && !rule.startFilter().canStart(text, from)) {
            continue;
          }
          m.region(from, end);
          if (m.lookingAt()) {
            out = accept(rule, text, m, out);
            break;
          }
        }
      }
    }
    return out == null ? List.of() : out;
  }


  /** Anchor occurrences of one text, grouped by rule in text order. */
  private static final class Hits {
    final int[][] starts;
    final int[] counts;
    boolean none = true;

    Hits(int rules) {
      starts = new int[rules][];
      counts = new int[rules];
    }

    void add(int rule, int start) {
      int[] a = starts[rule];
      if (a == null) {
        a = starts[rule] = new int[4];
      } else if (counts[rule] == a.length) {
        a = starts[rule] = java.util.Arrays.copyOf(a, a.length * 2);
      }
      a[counts[rule]++] = start;
      none = false;
    }
  }

  private static List<Detection> accept(FormatRule rule, String text, Matcher m, List<Detection> out) {
    if (!rule.check().test(text, m)) {
      return out;
    }
    int group = rule.group() == 0 && m.groupCount() >= 2 ? valueGroup(m) : rule.group();
    int start = m.start(group);
    int end = m.end(group);
    if (out == null) {
      out = new ArrayList<>(2);
    }
    if (!overlaps(out, start, end)) {
      String value = rule.rule() == Rule.PRIVATE_KEY ? privateKeyBody(text, m.end()) : m.group(group);
      boolean live = rule.live() != null && rule.live().test(text, m);
      out.add(new Detection(rule.rule(), start, end, value, live));
    }
    return out;
  }

  private static boolean overlaps(List<Detection> found, int start, int end) {
    for (Detection d : found) {
      if (start < d.end() && d.start() < end) {
        return true;
      }
    }
    return false;
  }

  /**
   * Judges a binary file's bytes as a PKCS#12 key store ({@code .p12}, {@code .pfx}): DER framing
   * {@code SEQUENCE { INTEGER 3, SEQUENCE ... }}. The detection's value is a digest of the bytes
   * (for the fingerprint only); it is not live-format, since the store's password is not known.
   */
  public List<Detection> scanKeyStoreFile(byte[] bytes) {
    if (!Checksums.isPkcs12(bytes)) {
      return List.of();
    }
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
      return List.of(new Detection(Rule.PKCS12, 0, 0, java.util.HexFormat.of().formatHex(d)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  // ---------------------------------------------------------------- keyed rules

  /**
   * Judges {@code value} assigned to {@code name} (a variable, field, property key, YAML key):
   * first the format rules over the value, then, when the name sounds like a secret, the AWS secret
   * key and Azure storage key shapes, then the generic rule (entropy high enough, not a placeholder,
   * reference, identifier, path or plain word). Offsets are offsets in {@code value}.
   */
  public List<Detection> scanAssignment(String name, String value) {
    List<Detection> byFormat = scanText(value);
    if (!byFormat.isEmpty()) {
      return byFormat;
    }
    String v = value.strip();
    if (!isSecretName(name) || isPlaceholderOrReference(v)) {
      return List.of();
    }
    int start = value.indexOf(v);
    List<String> words = words(name);
    if ((words.contains("aws") || words.contains("access")) && containsWord(words, "secret") && isAwsSecretShape(v)) {
      return List.of(new Detection(Rule.AWS_SECRET_ACCESS_KEY, start, start + v.length(), v));
    }
    if ((words.contains("account") || words.contains("storage")) && isAzureStorageKeyShape(v)) {
      return List.of(new Detection(Rule.AZURE_STORAGE_KEY, start, start + v.length(), v));
    }
    if (isGenericSecretValue(v)) {
      return List.of(new Detection(Rule.GENERIC_SECRET, start, start + v.length(), v));
    }
    return List.of();
  }

  /**
   * Judges a literal passed where code expects a credential ({@code setPassword("...")},
   * {@code DriverManager.getConnection(url, user, "...")}, {@code new PBEKeySpec("...")}): any value
   * that is not a placeholder and is not trivially short or repetitive is a hard-coded credential.
   * Format rules win when they match.
   */
  public List<Detection> scanCredentialArgument(String value) {
    List<Detection> byFormat = scanText(value);
    if (!byFormat.isEmpty()) {
      return byFormat;
    }
    String v = value.strip();
    // at a clear sink even a short password is one ("oups"): only placeholders and trivia are dropped
    if (v.length() < 4 || isPlaceholderOrReference(v) || distinctChars(v) < 3 || v.indexOf(' ') >= 0) {
      return List.of();
    }
    int start = value.indexOf(v);
    return List.of(new Detection(Rule.HARDCODED_CREDENTIAL, start, start + v.length(), v));
  }

  /**
   * Judges an environment variable or system property for the runtime guard: format rules over the
   * value, then {@link Rule#ENV_SECRET} when the name sounds like a secret and the value is neither
   * empty, a placeholder, a reference, a path nor a flag. No entropy threshold applies here: a
   * deployed function has no business holding {@code DB_PASSWORD=hunter2} in its environment.
   */
  public List<Detection> scanEnvironment(String name, String value) {
    List<Detection> byFormat = scanText(value);
    if (!byFormat.isEmpty()) {
      return byFormat;
    }
    String v = value.strip();
    if (v.isEmpty() || !isSecretName(name) || (isPlaceholderOrReference(v) && !isWeakPassword(v)) || isPath(v)
        || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return List.of();
    }
    int start = value.indexOf(v);
    return List.of(new Detection(Rule.ENV_SECRET, start, start + v.length(), v));
  }

  /**
   * Words that are placeholders in code and documentation but, held by a deployed process under a
   * secret name ({@code DB_PASS=admin}), are weak real passwords.
   */
  private static final Set<String> WEAK_PASSWORDS = setOf("admin", "root", "guest", "user", "username", "test",
      "testing", "secret", "password", "passwd", "pass", "default", "private", "mysecret", "mypassword", "token",
      "apikey", "secretkey");

  static boolean isWeakPassword(String v) {
    return WEAK_PASSWORDS.contains(v.toLowerCase(Locale.ROOT));
  }

  // ---------------------------------------------------------------- names

  private static final Set<String> SECRET_WORDS = setOf("password", "passwords", "passwd", "passphrase", "secret",
      "token", "tokens", "credential", "credentials", "apikey", "privatekey", "secretkey", "accesskey", "authkey",
      "pwd", "pass", "pw", "sas", "masterkey", "signingkey", "encryptionkey", "accountkey", "clientsecret",
      "accesstoken", "authtoken", "apitoken", "bearertoken", "refreshtoken", "webhooksecret");
  private static final Set<String> SECRET_SUFFIXES = setOf("password", "passwd", "secret", "token", "apikey",
      "credential", "credentials", "passphrase", "privatekey", "secretkey", "accesskey");
  private static final Set<String> KEY_QUALIFIERS = setOf("api", "private", "secret", "access", "auth", "signing",
      "encryption", "master", "account", "shared", "storage", "client", "app", "hmac", "crypto", "cipher",
      "session", "subscription", "license", "sendgrid", "stripe", "twilio", "mailgun", "openai", "anthropic",
      "cohere", "heroku", "snyk", "mapbox", "algolia", "datadog", "dd", "newrelic", "sentry", "honeycomb", "ingest",
      "webhook", "service", "deploy", "db", "database", "jwt", "oauth", "github", "slack");
  /** A name ending in one of these describes a secret, it does not hold one. */
  private static final Set<String> NOT_A_VALUE = setOf("id", "ids", "name", "names", "arn", "path", "file", "files",
      "dir", "url", "uri", "endpoint", "host", "header", "type", "length", "size", "ttl", "expiry", "expires",
      "expiration", "lifetime", "validity", "duration", "age", "seconds", "ms", "millis", "minutes", "days",
      "timeout", "enabled", "disabled", "enable", "required", "version", "versions", "ref", "reference", "provider",
      "chars", "characters", "alphabet", "charset", "regex", "pattern", "delimiter", "separator",
      "policy", "label", "hint", "prompt", "field", "param", "parameter", "format", "mode", "strategy", "algorithm",
      "alg", "encoder", "hash", "hashed", "sha", "digest", "checksum", "pattern", "regex", "count", "max", "min",
      "limit", "location", "template", "placeholder", "message", "msg", "title", "text", "description", "desc",
      "env", "var", "variable", "property", "prop", "properties", "key", "keys", "class", "bean", "service", "manager",
      "store", "source", "resolver", "handler", "factory", "validator", "generator", "length", "policy", "rotation",
      "rotated", "changed", "reset", "error", "errors", "style", "icon", "column", "table", "len", "config",
      "configuration", "cache", "scope", "scopes", "audience", "issuer", "kind", "status", "state", "prefix", "suffix",
      "schema", "input", "button", "link", "page", "view", "form", "rule", "rules", "test", "tests", "example",
      "spec", "request", "response", "count", "mask", "masked", "sender", "recipient", "user", "username", "login",
      "email", "owner", "region", "account", "accounts", "bucket", "vault", "engine", "mount", "role", "roles",
      "usage", "uses", "flag", "flags", "option", "options", "attribute", "attr", "sink", "level", "interval",
      "retries", "size", "port", "address", "format");
  /** A name containing one of these is about public material or pagination, never a secret. */
  private static final Set<String> NEVER_SECRET = setOf("public", "publishable", "pub", "page", "next",
      "continuation", "cursor", "sync", "csrf", "xsrf", "tokenizer", "tokenize", "tokenized", "secretary", "passport",
      "bypass", "passthrough", "compass", "passenger");

  /**
   * Whether a name (variable, property key, header, YAML key; any case or separator style) sounds
   * like it holds a secret: {@code DB_PASSWORD}, {@code apiKey}, {@code client-secret},
   * {@code aws.secret.access.key}; but not {@code public_key}, {@code client_id},
   * {@code token_url}, {@code passwordFile} or {@code next_page_token}.
   */
  public static boolean isSecretName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    List<String> words = withoutTrailingDigits(words(name));
    if (words.isEmpty()) {
      return false;
    }
    for (String w : words) {
      if (NEVER_SECRET.contains(w)) {
        return false;
      }
    }
    String last = words.get(words.size() - 1);
    if (name.equals("PWD") || name.equals("OLDPWD")) {
      return false; // the shell's working directory; a lower-case pwd key is a password
    }
    if (NOT_A_VALUE.contains(last) && !(last.equals("key") && hasKeyQualifier(words))) {
      return false;
    }
    if (last.equals("key") && hasKeyQualifier(words)) {
      return true;
    }
    for (String w : words) {
      if (SECRET_WORDS.contains(w)) {
        return true;
      }
      for (String s : SECRET_SUFFIXES) {
        if (w.length() > s.length() && w.endsWith(s)) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code password2} and {@code DB_PASSWORD2} name a password like {@code password}: drop trailing digits. */
  private static List<String> withoutTrailingDigits(List<String> words) {
    List<String> out = new ArrayList<>(words.size());
    for (String w : words) {
      int end = w.length();
      while (end > 0 && Character.isDigit(w.charAt(end - 1))) {
        end--;
      }
      if (end > 0) {
        out.add(end == w.length() ? w : w.substring(0, end));
      }
    }
    return out;
  }

  private static boolean hasKeyQualifier(List<String> words) {
    String before = words.size() >= 2 ? words.get(words.size() - 2) : "";
    return KEY_QUALIFIERS.contains(before) || words.contains("secret") || words.contains("private");
  }

  private static boolean containsWord(List<String> words, String word) {
    for (String w : words) {
      if (w.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /** Splits a name into lower-case words at separators and camelCase humps. */
  static List<String> words(String name) {
    List<String> out = new ArrayList<>(6);
    StringBuilder cur = new StringBuilder();
    int n = name.length();
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (!Character.isLetterOrDigit(c)) {
        flush(out, cur);
        continue;
      }
      if (Character.isUpperCase(c) && cur.length() > 0) {
        char prev = name.charAt(i - 1);
        boolean nextLower = i + 1 < n && Character.isLowerCase(name.charAt(i + 1));
        if (Character.isLowerCase(prev) || Character.isDigit(prev) || (Character.isUpperCase(prev) && nextLower)) {
          flush(out, cur);
        }
      }
      cur.append(Character.toLowerCase(c));
    }
    flush(out, cur);
    return out;
  }

  private static void flush(List<String> out, StringBuilder cur) {
    if (cur.length() > 0) {
      out.add(cur.toString());
      cur.setLength(0);
    }
  }

  // ---------------------------------------------------------------- values

  private static final String[] PLACEHOLDER_WORDS = {"example", "changeme", "change_me", "change-me", "changeit",
      "replace_me", "replaceme", "replace-me", "placeholder", "dummy", "redacted", "your_", "your-", "yourpass",
      "yoursecret", "yourtoken", "yourkey", "sample", "insert_", "insert-", "fixme", "xxxx", "****", "...", "<",
      "${", "{{", "#{", "%(", "((", "@@", "[redacted]", "todo"};
  private static final Set<String> PLACEHOLDER_VALUES = setOf("none", "null", "nil", "undefined", "n/a", "na",
      "tbd", "secret", "password", "passwd", "pass", "token", "test", "testing", "default", "empty", "unset",
      "required", "optional", "string", "value", "true", "false", "yes", "no", "on", "off", "-", "admin", "root",
      "guest", "user", "username", "apikey", "api_key", "api-key", "secretkey", "secret_key", "private",
      "mysecret", "mypassword", "my-secret", "my_secret", "notasecret", "not-a-secret");
  private static final String[] REFERENCE_PREFIXES = {"arn:aws", "vault://", "aws://", "azure://", "gcp://",
      "local://", "memory://", "secretsmanager:", "ssm:", "@microsoft.keyvault(", "keyvault://", "env:", "file:",
      "classpath:", "sm://", "gcpsm://", "op://", "secret://", "secrets://", "enc(", "{cipher}", "!ref", "!sub",
      "!getatt", "!importvalue", "var.", "local.", "data.", "module.", "$(", "$", "projects/"};

  /**
   * Whether a value is a placeholder or a reference rather than a secret: empty, {@code ${VAR}},
   * {@code {{ var }}}, {@code <password>}, {@code changeme}, {@code xxxx...}, anything containing
   * {@code example}, a single repeated character, an ARN, a {@code vault://} or {@code aws://} URI,
   * an {@code @Microsoft.KeyVault(...)} reference, a Key Vault secret URL, an encrypted
   * {@code ENC(...)} or {@code {cipher}} value, or a Terraform/CloudFormation reference.
   */
  public static boolean isPlaceholderOrReference(String value) {
    String v = stripQuotes(value.strip());
    if (v.isEmpty()) {
      return true;
    }
    String lower = v.toLowerCase(Locale.ROOT);
    if (PLACEHOLDER_VALUES.contains(lower)) {
      return true;
    }
    for (String p : PLACEHOLDER_WORDS) {
      if (lower.contains(p)) {
        return true;
      }
    }
    for (String p : REFERENCE_PREFIXES) {
      if (lower.startsWith(p)) {
        return true;
      }
    }
    if (lower.contains(".vault.azure.net/secrets/")
        || (v.length() > 2 && (v.charAt(0) == '%' || v.charAt(0) == '@') && v.charAt(v.length() - 1) == v.charAt(0))) {
      return true;
    }
    return distinctChars(v) <= 2;
  }

  private static String stripQuotes(String v) {
    if (v.length() >= 2) {
      char a = v.charAt(0);
      char b = v.charAt(v.length() - 1);
      if ((a == '"' || a == '\'' || a == '`') && a == b) {
        return v.substring(1, v.length() - 1).strip();
      }
    }
    return v;
  }

  private static final Pattern IDENTIFIER_LIKE = Pattern.compile(
      "[a-z]+(?:[A-Z][a-z]+)*|[A-Z][a-z]+(?:[A-Z][a-z]+)*|[A-Z]+(?:_[A-Z]+)*|[a-z]+(?:[_.-][a-z]+)*"
          // HTTP header names: Access-Control-Allow-Credentials, Sec-Token-Binding, X-Auth-Token
          + "|[A-Z][a-z]*(?:-[A-Z][a-z]+)+"
          + "|[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)+");
  private static final Pattern NOT_SECRET_SHAPE = Pattern.compile(
      "[-+]?[0-9]+(?:\\.[0-9]+)?[a-zA-Z]{0,2}|P(?:T?[0-9]+[HMSD])+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
          + "[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|sha(?:1|256|384|512)-[A-Za-z0-9+/=]+|[^@\\s]+@[A-Za-z0-9-]+\\.[A-Za-z.]+"
          + "|[0-9]{1,3}(?:\\.[0-9]{1,3}){3}(?::[0-9]+)?|[a-z0-9-]+(?:\\.[a-z0-9-]+)+(?::[0-9]+)?");

  /** The generic rule's value test: long enough, no spaces, not a placeholder or plain shape, high entropy. */
  static boolean isGenericSecretValue(String v) {
    int len = v.length();
    if (len < 8 || len > 4096 || isPlaceholderOrReference(v)) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (Character.isWhitespace(v.charAt(i))) {
        return false;
      }
    }
    if (isPath(v) || v.contains("://") || (IDENTIFIER_LIKE.matcher(v).matches() && !isRandomLowercase(v))
        || NOT_SECRET_SHAPE.matcher(v).matches() || isWellKnownFake(v)) {
      return false;
    }
    double e = entropy(v);
    return len < 12 ? e >= 2.6 : e >= 3.0;
  }

  /**
   * A run of lower-case letters that is no word: long and with few repeated letters (words and
   * compound identifiers repeat vowels and common consonants; {@code internationalization} has 9
   * distinct letters in 20, a generated {@code bacdefghijklmnopqrs} 19 in 19).
   */
  static boolean isRandomLowercase(String v) {
    int len = v.length();
    if (len < 12) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      char c = v.charAt(i);
      if (c < 'a' || c > 'z') {
        return false;
      }
    }
    return distinctChars(v) * 10 >= len * 7;
  }

  private static final Pattern WELL_KNOWN_FAKE = Pattern.compile(
      "(?i)(?:p[a@]ssw(?:o|0)rd|secret|passwd|pwd|token|test|admin|user|qwerty|letmein|welcome)[_\\-.!@#]*[0-9]*[!@#]?"
          + "|(?i)(?:secret|password|token)[_-]?[0-9]{6,}|[0-9]{1,12}|(?i)abc(?:d(?:e(?:f)?)?)?[0-9]*|(?i)qwerty[0-9a-z]*");

  /**
   * Values that documentation and analyzers' own samples use as fakes: {@code Password123},
   * {@code Secret_0213456789021345678}, {@code 123456}, {@code admin1}. Not credentials anybody is
   * issued, so the keyed and query rules skip them (a clear credential sink still reports them).
   */
  static boolean isWellKnownFake(String v) {
    return WELL_KNOWN_FAKE.matcher(v).matches();
  }

  private static boolean isPath(String v) {
    return v.startsWith("/") || v.startsWith("./") || v.startsWith("../") || v.startsWith("~/")
        || (v.length() > 2 && Character.isLetter(v.charAt(0)) && v.charAt(1) == ':' && (v.charAt(2) == '\\' || v.charAt(2) == '/'));
  }

  /** Shannon entropy of the value's characters, in bits per character. */
  public static double entropy(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    int[] counts = new int[128];
    java.util.Map<Character, Integer> other = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 128) {
        counts[c]++;
      } else {
        if (other == null) {
          other = new java.util.HashMap<>();
        }
        other.merge(c, 1, Integer::sum);
      }
    }
    double n = s.length();
    double h = 0;
    for (int c : counts) {
      if (c > 0) {
        double p = c / n;
        h -= p * (Math.log(p) / Math.log(2));
      }
    }
    if (other != null) {
      for (int c : other.values()) {
        double p = c / n;
        h -= p * (Math.log(p) / Math.log(2));
      }
    }
    return h;
  }

  private static int distinctChars(String v) {
    return (int) v.chars().distinct().count();
  }

  /** The random part of a token: not a placeholder and varied enough to be machine-made. */
  static boolean looksRandom(String tail) {
    if (tail.isEmpty()) {
      return false;
    }
    String lower = tail.toLowerCase(Locale.ROOT);
    if (lower.contains("example") || lower.contains("xxxx") || lower.contains("0000000") || lower.contains("sample")
        || lower.contains("dummy") || lower.contains("placeholder") || lower.contains("redacted")
        // the keyboard runs documentation fills a token's shape with (RGAPI-01234567-89ab-cdef-...)
        || lower.contains("01234567") || lower.contains("abcdef0") || lower.contains("89abcdef")) {
      return false;
    }
    return distinctChars(tail) >= Math.min(8, Math.max(3, tail.length() / 3));
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

  private static boolean isAwsSecretShape(String v) {
    if (v.length() != 40) {
      return false;
    }
    boolean upper = false;
    boolean lower = false;
    boolean digitOrSymbol = false;
    for (int i = 0; i < 40; i++) {
      char c = v.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        upper = true;
      } else if (c >= 'a' && c <= 'z') {
        lower = true;
      } else if ((c >= '0' && c <= '9') || c == '/' || c == '+') {
        digitOrSymbol = true;
      } else {
        return false;
      }
    }
    return upper && lower && digitOrSymbol && looksRandom(v);
  }

  private static boolean isAzureStorageKeyShape(String v) {
    if (v.length() != 88 || !v.endsWith("==")) {
      return false;
    }
    for (int i = 0; i < 86; i++) {
      char c = v.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && c != '+' && c != '/') {
        return false;
      }
    }
    return looksRandom(v);
  }

  /** The base64 body following a PEM header, or null when there is none (a placeholder or a bare header). */
  private static String privateKeyBody(String text, int from) {
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

  /** For rules reporting group 0 with alternatives: the last non-null group (the value). */
  private static int valueGroup(Matcher m) {
    for (int g = m.groupCount(); g >= 1; g--) {
      if (m.group(g) != null) {
        return g;
      }
    }
    return 0;
  }

  private static boolean isQueryCredential(Matcher m) {
    String value = m.group(2) != null ? m.group(2) : m.group(4);
    String p = value == null ? "" : value;
    if (p.startsWith("{") || p.startsWith("$") || p.startsWith("%") || p.startsWith(":")
        || (p.length() < 20 && TRUNCATED_TOKEN.matcher(p).lookingAt())) {
      return false; // a template, or a vendor prefix with a stub (token=hvs.abc): a placeholder
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

  private static boolean isRealPassword(String password) {
    String p = stripQuotes(password);
    return !p.isEmpty() && !isPlaceholderOrReference(p) && !(p.length() < 4 && distinctChars(p) < 3)
        && !isWellKnownFake(p);
  }

  private static Set<String> setOf(String... words) {
    return Set.copyOf(java.util.Arrays.asList(words));
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isSchemeChar(char c) {
    return isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-';
  }

}
