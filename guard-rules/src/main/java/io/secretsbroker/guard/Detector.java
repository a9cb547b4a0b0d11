package io.secretsbroker.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

import static io.secretsbroker.guard.SecretNames.containsWord;
import static io.secretsbroker.guard.SecretNames.words;
import static io.secretsbroker.guard.SecretValues.distinctChars;
import static io.secretsbroker.guard.SecretValues.isAwsSecretShape;
import static io.secretsbroker.guard.SecretValues.isAzureStorageKeyShape;
import static io.secretsbroker.guard.SecretValues.isGenericSecretValue;
import static io.secretsbroker.guard.SecretValues.isPath;
import static io.secretsbroker.guard.SecretValues.isWeakPassword;

/**
 * The guard's detection rules, shared by the runtime guard and the source scanner.
 *
 * <p>Design note. Format rules ({@link #scanText}) are regular expressions behind literal anchors:
 * one Aho-Corasick pass ({@link AnchorScanner}) finds every anchor of every rule ({@code AKIA},
 * {@code ghp_}, {@code accountkey}, ...), and a rule's expression then runs only at its anchors'
 * occurrences, in a bounded window, so text without any anchor costs one pass over its
 * characters, and a rule's expression is compiled only when one of its anchors first occurs
 * ({@link LazyPattern}): building the rules compiles none. Keyed rules ({@link #scanAssignment}) judge a
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
    List<FormatRule> rules = new ArrayList<>(CoreFormats.rules());
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

  /** A detector of its own, nothing compiled yet (tests of what a scan compiles); callers share {@link #defaults()}. */
  static Detector fresh() {
    return new Detector();
  }

  /** The format rules in order of precedence (tests). */
  List<FormatRule> formatRules() {
    return formatRules;
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
      String value = rule.rule() == Rule.PRIVATE_KEY ? CoreFormats.privateKeyBody(text, m.end()) : m.group(group);
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
   * {@code SEQUENCE { INTEGER 3, SEQUENCE ... }}. The detection's value is a fixed word, nothing
   * derived from the bytes; it is not live-format, since the store's password is not known.
   */
  public List<Detection> scanKeyStoreFile(byte[] bytes) {
    if (!Checksums.isPkcs12(bytes)) {
      return List.of();
    }
    return List.of(new Detection(Rule.PKCS12, 0, 0, "pkcs12"));
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
    return scanCredentialArgument(value, false);
  }

  /**
   * As {@link #scanCredentialArgument(String)}; with {@code clearSink} (a parameter that is a
   * password whatever the code around it: {@code login(user, pw)}, {@code getConnection(url, user, pw)},
   * {@code new PBEKeySpec(pw)}) a weak password ({@code "password"}, {@code "admin"}) is one too,
   * where under a setter's name alone ({@code password("pass")} may name a field) it is a placeholder.
   */
  public List<Detection> scanCredentialArgument(String value, boolean clearSink) {
    List<Detection> byFormat = scanText(value);
    if (!byFormat.isEmpty()) {
      return byFormat;
    }
    String v = value.strip();
    // at a clear sink even a short password is one ("oups"): only placeholders and trivia are dropped
    if (v.length() < 4 || (isPlaceholderOrReference(v) && !(clearSink && isWeakPassword(v))) || distinctChars(v) < 3
        || v.indexOf(' ') >= 0) {
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

  /** For rules reporting group 0 with alternatives: the last non-null group (the value). */
  private static int valueGroup(Matcher m) {
    for (int g = m.groupCount(); g >= 1; g--) {
      if (m.group(g) != null) {
        return g;
      }
    }
    return 0;
  }

  // ---------------------------------------------------------------- names and values

  /**
   * Whether a name (variable, property key, header, YAML key; any case or separator style) sounds
   * like it holds a secret: {@code DB_PASSWORD}, {@code apiKey}, {@code client-secret},
   * {@code aws.secret.access.key}; but not {@code public_key}, {@code client_id},
   * {@code token_url}, {@code passwordFile} or {@code next_page_token}.
   */
  public static boolean isSecretName(String name) {
    return SecretNames.isSecretName(name);
  }

  /**
   * Whether a value is a placeholder or a reference rather than a secret: empty, {@code ${VAR}},
   * {@code {{ var }}}, {@code <password>}, {@code changeme}, {@code xxxx...}, anything containing
   * {@code example}, a single repeated character, an ARN, a {@code vault://} or {@code aws://} URI,
   * an {@code @Microsoft.KeyVault(...)} reference, a Key Vault secret URL, an encrypted
   * {@code ENC(...)} or {@code {cipher}} value, or a Terraform/CloudFormation reference.
   */
  public static boolean isPlaceholderOrReference(String value) {
    return SecretValues.isPlaceholderOrReference(value);
  }

  /** Shannon entropy of the value's characters, in bits per character. */
  public static double entropy(String s) {
    return SecretValues.entropy(s);
  }
}
