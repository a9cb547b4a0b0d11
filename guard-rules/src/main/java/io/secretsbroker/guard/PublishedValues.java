package io.secretsbroker.guard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Credentials their vendors publish for local emulators, which grant access to nothing but a
 * developer's own emulator: Azurite's (and the legacy Storage Emulator's) account key for
 * {@code devstoreaccount1}, the Cosmos DB emulator's key. Held as SHA-256 digests, so this class
 * carries no credential-shaped text; compared in memory only, never shown. Thread-safe.
 */
final class PublishedValues {
  private static final Set<String> SHA256 = Set.of(
      // Azurite / Azure Storage Emulator, devstoreaccount1 (learn.microsoft.com: storage-use-azurite)
      "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
      // Azure Cosmos DB emulator (learn.microsoft.com: emulator)
      "aa6547439583c3a275d4542a0df6c1ad6a863971be9f2a2220f027cc02aef615");

  private PublishedValues() {}

  static boolean contains(String value) {
    if (value == null || value.length() < 40) {
      return false;
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return SHA256.contains(HexFormat.of().formatHex(d));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
