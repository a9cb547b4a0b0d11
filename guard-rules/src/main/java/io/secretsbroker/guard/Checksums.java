package io.secretsbroker.guard;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;

/**
 * Offline verification of vendors' documented token structure: checksums (GitHub's and npm's
 * CRC32 in base62), macaroon and DER framing, base64 payloads that must decode to digits or JSON.
 * A value that passes is live-format: machine-made by the vendor, not a placeholder someone typed.
 * Pure functions, thread-safe, never throw.
 */
final class Checksums {
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private Checksums() {}

  /**
   * GitHub's (and npm's) token checksum: the last six characters are the CRC32 of the random part
   * before them, in base62 (digits, upper, lower) padded with leading zeros.
   *
   * @param body the token without its prefix ({@code ghp_}, {@code npm_}): random part + 6 checksum characters
   */
  static boolean crc32Base62(String body) {
    if (body.length() < 7) {
      return false;
    }
    String random = body.substring(0, body.length() - 6);
    CRC32 crc = new CRC32();
    crc.update(random.getBytes(StandardCharsets.US_ASCII));
    return base62(crc.getValue(), 6).equals(body.substring(body.length() - 6));
  }

  /** {@code value} in base62, left-padded with {@code 0} to {@code width}. */
  static String base62(long value, int width) {
    StringBuilder sb = new StringBuilder();
    long v = value;
    while (v > 0) {
      sb.append(BASE62.charAt((int) (v % 62)));
      v /= 62;
    }
    while (sb.length() < width) {
      sb.append('0');
    }
    return sb.reverse().toString();
  }

  /** Decodes base64 or base64url (padding optional); null when it is not. */
  static byte[] decode(String s) {
    String t = s.replace('-', '+').replace('_', '/');
    int end = t.length();
    while (end > 0 && t.charAt(end - 1) == '=') {
      end--;
    }
    t = t.substring(0, end);
    if (t.length() % 4 == 1) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(t + "==".substring(0, (4 - t.length() % 4) % 4));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether base64 text decodes to ASCII digits only (Discord's first token part: a user id). */
  static boolean decodesToDigits(String s, int minDigits) {
    byte[] b = decode(s);
    if (b == null || b.length < minDigits) {
      return false;
    }
    for (byte x : b) {
      if (x < '0' || x > '9') {
        return false;
      }
    }
    return true;
  }

  /** Whether base64 text decodes to a JSON object (a JWT part, a 1Password service-account token). */
  static boolean decodesToJsonObject(String s) {
    byte[] b = decode(s);
    if (b == null || b.length < 2) {
      return false;
    }
    String t = new String(b, StandardCharsets.UTF_8).strip();
    return t.startsWith("{") && t.contains("\"");
  }

  /**
   * Whether DER bytes start a PKCS#12 PFX: a SEQUENCE holding INTEGER 3 and then the authSafe
   * SEQUENCE (RFC 7292), with a length that fits the data.
   */
  static boolean isPkcs12(byte[] der) {
    if (der == null || der.length < 8 || (der[0] & 0xff) != 0x30) {
      return false;
    }
    int i = 1;
    int lenByte = der[i++] & 0xff;
    long len;
    if (lenByte < 0x80) {
      len = lenByte;
    } else {
      int n = lenByte & 0x7f;
      if (n < 1 || n > 3 || i + n > der.length) {
        return false;
      }
      len = 0;
      for (int k = 0; k < n; k++) {
        len = (len << 8) | (der[i++] & 0xff);
      }
    }
    if (len < 16 || i + 3 > der.length) {
      return false;
    }
    return der[i] == 0x02 && der[i + 1] == 0x01 && der[i + 2] == 0x03 && i + 3 < der.length && der[i + 3] == 0x30;
  }

  /**
   * Whether the base64 body of a PEM private key parses as DER: an outer SEQUENCE whose length
   * matches the decoded data (PKCS#1, PKCS#8, SEC1), or OpenSSH's {@code openssh-key-v1} magic.
   */
  static boolean privateKeyParses(String base64Body) {
    byte[] b = decode(base64Body);
    if (b == null || b.length < 16) {
      return false;
    }
    if (new String(b, 0, Math.min(14, b.length), StandardCharsets.US_ASCII).equals("openssh-key-v1")) {
      return true;
    }
    if ((b[0] & 0xff) != 0x30) {
      return false;
    }
    int lenByte = b[1] & 0xff;
    long len;
    int header;
    if (lenByte < 0x80) {
      len = lenByte;
      header = 2;
    } else {
      int n = lenByte & 0x7f;
      if (n < 1 || n > 4 || 2 + n > b.length) {
        return false;
      }
      len = 0;
      for (int k = 0; k < n; k++) {
        len = (len << 8) | (b[2 + k] & 0xff);
      }
      header = 2 + n;
    }
    return header + len == b.length && b.length > header && (b[header] & 0xff) == 0x02;
  }
}
