package io.secretsbroker.testkit;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Looks for secret bytes in a heap dump of this JVM ({@link HotSpotDiagnosticMXBean#dumpHeap},
 * live objects only, so garbage is collected first). The bytes looked for are never in the heap
 * themselves: a {@link Needle} keeps them XOR-masked with a random mask and zeroes the caller's
 * copy, so a hit is a copy held by the code under test. Both one-byte-per-char forms (UTF-8 bytes,
 * compact {@code String}s) and UTF-16 ({@code char[]}, big-endian in the dump) are searched; needles
 * are therefore ASCII. Needs a HotSpot JVM; a dump of a test JVM takes a second or two. Not
 * thread-safe with respect to the code under test: call it while that code is quiescent.
 */
public final class HeapScan {
  private static final SecureRandom RANDOM = new SecureRandom();

  private HeapScan() {}

  /** Bytes to look for, held masked. {@link #toString()} shows only the label. */
  public static final class Needle {
    private final String label;
    private final byte[][] masked;
    private final byte[][] masks;

    private Needle(String label, byte[] ascii) {
      this.label = label;
      byte[] utf16 = new byte[ascii.length * 2];
      for (int i = 0; i < ascii.length; i++) {
        if (ascii[i] < 0) {
          throw new IllegalArgumentException("needle " + label + " must be ASCII");
        }
        utf16[2 * i + 1] = ascii[i];
      }
      this.masks = new byte[][] {random(ascii.length), random(utf16.length)};
      this.masked = new byte[][] {xor(ascii, masks[0]), xor(utf16, masks[1])};
      Arrays.fill(ascii, (byte) 0);
      Arrays.fill(utf16, (byte) 0);
    }

    @Override
    public String toString() {
      return "Needle[" + label + "]";
    }
  }

  /** A needle for {@code ascii}, which is zeroed. */
  public static Needle needle(String label, byte[] ascii) {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(ascii, "ascii");
    if (ascii.length < 8) {
      throw new IllegalArgumentException("needle " + label + " is too short to search for without false hits");
    }
    return new Needle(label, ascii);
  }

  /** Dumps the live heap to a temporary file, searches it and deletes it; returns the labels found. */
  public static List<String> found(Needle... needles) {
    Path dir;
    try {
      dir = Files.createTempDirectory("heapscan");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path dump = dir.resolve("heap.hprof");
    try {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(dump.toString(), true);
      List<String> hits = new ArrayList<>();
      try (FileChannel ch = FileChannel.open(dump, StandardOpenOption.READ)) {
        MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        for (Needle n : needles) {
          for (int form = 0; form < 2; form++) {
            if (contains(buf, n.masked[form], n.masks[form])) {
              hits.add(n.label + (form == 0 ? " (bytes)" : " (UTF-16)"));
            }
          }
        }
      }
      return hits;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        Files.deleteIfExists(dump);
        Files.deleteIfExists(dir);
      } catch (IOException ignored) {
        // temporary file
      }
    }
  }

  private static boolean contains(MappedByteBuffer buf, byte[] masked, byte[] mask) {
    int n = masked.length;
    byte first = (byte) (masked[0] ^ mask[0]);
    int limit = buf.limit() - n;
    outer:
    for (int i = 0; i <= limit; i++) {
      if (buf.get(i) != first) {
        continue;
      }
      for (int j = 1; j < n; j++) {
        if ((byte) (buf.get(i + j) ^ mask[j]) != masked[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static byte[] xor(byte[] a, byte[] mask) {
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ mask[i]);
    }
    return out;
  }
}
