package io.secretsbroker.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Whether a name (variable, field, property key, header, YAML key) sounds like it holds a secret,
 * and the splitting of names into the words that this judgement and the findings' fingerprints
 * use. Stateless; thread-safe; never throws on any name.
 */
final class SecretNames {
  private SecretNames() {}

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
  static boolean isSecretName(String name) {
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
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      // a secret word split by a camel hump stays one: variableWithApiKeyInIt, authTokenForTests
      if (SECRET_WORDS.contains(w) || (i + 1 < words.size() && SECRET_WORDS.contains(w + words.get(i + 1)))) {
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

  static boolean containsWord(List<String> words, String word) {
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

  private static Set<String> setOf(String... words) {
    return Set.copyOf(java.util.Arrays.asList(words));
  }
}
