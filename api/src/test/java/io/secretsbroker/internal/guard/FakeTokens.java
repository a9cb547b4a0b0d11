package io.secretsbroker.internal.guard;

import java.util.Random;

/**
 * Builds format-valid but fake credentials at test time, so no credential-shaped literal sits in
 * the sources (this repository scans itself, and hosting push protection scans every push).
 */
final class FakeTokens {
  static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static final String BASE64 = ALNUM + "+/";

  private FakeTokens() {}

  static String random(String alphabet, int length, long seed) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  static String awsKeyId(long seed) {
    return String.join("", "AK", "IA") + random(BASE32, 16, seed);
  }

  static String awsSecret(long seed) {
    return random(BASE64, 40, seed);
  }

  static String githubToken(long seed) {
    return String.join("_", "ghp", random(ALNUM, 36, seed));
  }
}
