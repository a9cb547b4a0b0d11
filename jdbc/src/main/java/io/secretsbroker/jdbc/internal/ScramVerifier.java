package io.secretsbroker.jdbc.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * PostgreSQL's SCRAM-SHA-256 password verifier ({@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>},
 * RFC 5802/7677), computed on the client so that {@code ALTER ROLE ... PASSWORD '<verifier>'}
 * never carries the password itself: the server stores the verifier as given, and a statement log
 * ({@code log_statement=ddl}) shows only it. The same thing PgJDBC's
 * {@code PGConnection.alterUserPassword} does. Non-ASCII passwords are NFKC-normalised (the core of
 * SASLprep, which the server applies too). Stateless and thread-safe.
 */
public final class ScramVerifier {
  private static final SecureRandom RANDOM = new SecureRandom();
  public static final int ITERATIONS = 4096;

  private ScramVerifier() {}

  public static String of(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return of(password, salt, ITERATIONS);
  }

  static String of(String password, byte[] salt, int iterations) {
    String prepared = password.chars().allMatch(c -> c < 0x80) ? password
        : Normalizer.normalize(password, Normalizer.Form.NFKC);
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(prepared));
    byte[] pw = new byte[encoded.remaining()];
    encoded.get(pw);
    Arrays.fill(encoded.array(), (byte) 0);
    try {
      byte[] salted = pbkdf2(pw, salt, iterations);
      byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
      Arrays.fill(salted, (byte) 0);
      Arrays.fill(clientKey, (byte) 0);
      Base64.Encoder b64 = Base64.getEncoder();
      return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey)
          + ":" + b64.encodeToString(serverKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SCRAM-SHA-256 needs HmacSHA256 and SHA-256, which every JDK has", e);
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
  }

  /** PBKDF2-HMAC-SHA-256 with one 32-byte block (what SCRAM's Hi() is). */
  private static byte[] pbkdf2(byte[] password, byte[] salt, int iterations) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(password, "HmacSHA256"));
    mac.update(salt);
    byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
    byte[] out = u.clone();
    for (int i = 1; i < iterations; i++) {
      u = mac.doFinal(u);
      for (int j = 0; j < out.length; j++) {
        out[j] ^= u[j];
      }
    }
    return out;
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }
}
