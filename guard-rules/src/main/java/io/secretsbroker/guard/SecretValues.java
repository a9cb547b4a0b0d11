package io.secretsbroker.guard;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Judgements of a value on its own: placeholders and references, well-known fakes, weak
 * passwords, the generic rule's entropy test, the randomness of a token's tail, and the AWS
 * secret key and Azure storage key shapes. Stateless; thread-safe; never throws on any value.
 */
final class SecretValues {
  private SecretValues() {}

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
  static boolean isPlaceholderOrReference(String value) {
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

  static String stripQuotes(String v) {
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
          + "|[0-9]{1,3}(?:\\.[0-9]{1,3}){3}(?::[0-9]+)?|[a-z0-9-]+(?:\\.[a-z0-9-]+)+(?::[0-9]+)?"
          // IPv6 addresses, full or compressed (2001:db8::1): hex groups of at most 4 between colons
          + "|(?=[0-9a-fA-F:]*:[0-9a-fA-F:]*:)(?:[0-9a-fA-F]{1,4})?(?::{1,2}[0-9a-fA-F]{1,4}){2,7}"
          // relative paths of plain words: src/main/java/org/acme/file, docs/guide/setup.md
          + "|[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*){2,}(?:\\.[a-z]{1,5})?");

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

  static boolean isPath(String v) {
    return v.startsWith("/") || v.startsWith("./") || v.startsWith("../") || v.startsWith("~/")
        || (v.length() > 2 && Character.isLetter(v.charAt(0)) && v.charAt(1) == ':' && (v.charAt(2) == '\\' || v.charAt(2) == '/'));
  }

  /** Shannon entropy of the value's characters, in bits per character. */
  static double entropy(String s) {
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

  static int distinctChars(String v) {
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

  static boolean isAwsSecretShape(String v) {
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

  static boolean isAzureStorageKeyShape(String v) {
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

  static boolean isRealPassword(String password) {
    String p = stripQuotes(password);
    return !p.isEmpty() && !isPlaceholderOrReference(p) && !(p.length() < 4 && distinctChars(p) < 3)
        && !isWellKnownFake(p);
  }

  private static Set<String> setOf(String... words) {
    return Set.copyOf(java.util.Arrays.asList(words));
  }
}
