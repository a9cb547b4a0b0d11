package io.secretsbroker.guard.scan;

import io.secretsbroker.guard.AnchorScanner;
import io.secretsbroker.guard.Detector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The words that decide whether {@link JavaAnalyzer} parses a Java source at all, and where they
 * stand ({@link #contextPoints(String)}; {@link JavaSkeleton} keeps the statements near them).
 * Stateless; thread-safe.
 */
final class JavaContext {
  private JavaContext() {}

  /**
   * Words (lower-case) without which no keyed, sink or environment-read rule can fire in a file;
   * a file containing none is not parsed (the format rules have already run over its text).
   */
  private static final String[] CONTEXT_WORDS = {"pass", "pwd", "secret", "token", "credential", "apikey", "api_key",
      "privatekey", "private_key", "accesskey", "access_key", "authkey", "auth_key", "getenv", "getproperty", "getconnection",
      "keyspec", "signingkey", "signing_key", "encryptionkey", "encryption_key", "masterkey", "master_key",
      "accountkey", "account_key", "storagekey", "storage_key", "clientkey", "client_key", "hmackey", "hmac_key",
      "sessionkey", "appkey", "app_key", "sharedkey", "shared_key", "cryptokey", "cipherkey", "subscriptionkey",
      "licensekey", "sas", "login(", "tochararray", "keystore", "hmac", "pbkdf2", "signwith", "addidentity"};
  /**
   * Fragments that a secret-sounding name ({@link Detector#isSecretName}) holds when it holds no
   * context word: {@code pw}, {@code app.key}, {@code clientKey}. They are common in code
   * ({@code key}), so one counts only inside a secret-sounding identifier or literal.
   */
  private static final String[] WEAK_FRAGMENTS = {"pw", "key"};
  /** Words of the credential sinks that may take a literal through a name declared elsewhere. */
  private static final List<String> SINK_WORDS = List.of("getconnection", "login(", "keyspec", "pbkdf2", "hmac",
      "signwith", "addidentity", "setpassword", "passwordauthentication", "keystore", "withpassword",
      "setsigningkey");
  private static final AnchorScanner CONTEXT;

  static {
    List<String> words = new ArrayList<>(List.of(CONTEXT_WORDS));
    words.addAll(List.of(WEAK_FRAGMENTS));
    words.addAll(SINK_WORDS); // one pass finds the sink words too
    CONTEXT = AnchorScanner.anyCase(words);
  }

  /**
   * Where context words and weak fragments stand in a text, each sorted, and whether a sink word
   * ({@code SINK_WORDS}) stands in it; all empty when the text holds no context word and need
   * not be parsed.
   */
  record Points(int[] words, int[] weak, boolean sink) {
    static final Points NONE = new Points(new int[0], new int[0], false);
  }

  static Points contextPoints(String text) {
    int[][] found = {new int[8], new int[8]};
    int[] count = {0, 0};
    boolean[] sink = {false};
    CONTEXT.scan(text, (word, at) -> {
      if (word >= CONTEXT_WORDS.length + WEAK_FRAGMENTS.length) {
        sink[0] = true;
        return;
      }
      int kind = word < CONTEXT_WORDS.length ? 0 : 1;
      if (count[kind] == found[kind].length) {
        found[kind] = Arrays.copyOf(found[kind], count[kind] * 2);
      }
      found[kind][count[kind]++] = at;
    });
    if (count[0] == 0) {
      return Points.NONE;
    }
    int[] words = Arrays.copyOf(found[0], count[0]);
    int[] weak = Arrays.copyOf(found[1], count[1]);
    Arrays.sort(words);
    Arrays.sort(weak);
    return new Points(words, weak, sink[0]);
  }
}
