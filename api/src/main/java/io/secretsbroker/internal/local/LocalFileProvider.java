package io.secretsbroker.internal.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.internal.local.LocalSecretsFormat.BadFile;
import io.secretsbroker.internal.local.LocalSecretsFormat.Entry;
import io.secretsbroker.spi.SecretNames;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code local://} provider: secrets in a JSON file on this machine, for development. The
 * format is described in {@link LocalSecretsFormat}.
 *
 * <p>Design note.
 * <ul>
 *   <li><b>Edits are seen on the next read.</b> Each read stats the file; when its modification
 *       time, size and file key are those of the last parse, the parsed snapshot is used as is. A
 *       file modified less than {@value #RACY_SECONDS} seconds before it was last read is "racily
 *       clean" (as git calls it: a second edit within the file system's timestamp granularity
 *       could keep the same time and size), so such a file is read again and compared by digest
 *       until it is older than that. Parsing happens only when the bytes changed.
 *   <li><b>Writes are atomic.</b> {@link #put} rewrites the whole file into a temporary file in the
 *       same directory, forces it to disk and renames it over the original with
 *       {@code ATOMIC_MOVE}, so a reader (this process, another one, an editor) sees the old file
 *       or the new one, never a mix. Other entries are preserved; the formatting is normalised.
 *       Writers in this process are serialised; concurrent writers in other processes are not
 *       coordinated (the last rename wins).
 *   <li><b>Versions</b> are the entry's explicit {@code version}, or a short content hash, so an
 *       edit to a value is a new version and rotation listeners fire locally. Only the current
 *       version can be read.
 *   <li><b>Errors.</b> A file that disappears, cannot be read or becomes malformed after start-up
 *       fails reads with {@link ProviderUnavailableException} (an editor may be half-way through a
 *       save; the client keeps serving the last good values meanwhile); permission problems are
 *       {@link SecretAccessDeniedException}. No message carries a value.
 * </ul>
 * Thread-safe: reads use an immutable snapshot and lock only to re-read a changed file.
 */
final class LocalFileProvider implements SecretProvider {
  static final int RACY_SECONDS = 2;
  private static final Duration RACY = Duration.ofSeconds(RACY_SECONDS);

  /** One parse of the file and the attributes it was parsed at. */
  private record Snapshot(FileTime modified, long size, Object fileKey, byte[] digest, boolean trusted,
      Map<String, Entry> entries) {
    boolean sameFile(BasicFileAttributes a) {
      return modified.equals(a.lastModifiedTime()) && size == a.size() && Objects.equals(fileKey, a.fileKey());
    }
  }

  private final Path file;
  private final String display;
  private final Clock clock;
  private final Object lock = new Object();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong parses = new AtomicLong();
  private volatile Snapshot snapshot;

  LocalFileProvider(Path file, Clock clock) {
    this.file = file.toAbsolutePath().normalize();
    this.display = this.file.toString();
    this.clock = clock;
  }

  /** Reads and parses the file once, so a broken file fails at start-up. */
  void load() throws BadFile, IOException {
    synchronized (lock) {
      snapshot = read(null);
    }
  }

  @Override
  public String id() {
    return "local:" + display;
  }

  Path file() {
    return file;
  }

  /** How many times the file was read (tests check that an old, unchanged file is not). */
  long readCount() {
    return reads.get();
  }

  /** How many times the file was parsed (tests check that unchanged bytes are not). */
  long parseCount() {
    return parses.get();
  }

  @Override
  public SecretRecord fetch(String name) {
    SecretNames.validate(name);
    Entry e = snapshot(name).entries().get(name);
    if (e == null) {
      throw new SecretNotFoundException("Secret '" + name + "' not found in local secrets file " + display
          + ". Add it to the file, e.g. \"" + name + "\": \"dev-value\", or check the name and secrets.env prefix.");
    }
    return record(name, e);
  }

  @Override
  public SecretRecord put(String name, byte[] value) {
    SecretNames.validate(name);
    Objects.requireNonNull(value, "value");
    synchronized (lock) {
      byte[] bytes = readBytes(name);
      try {
        ObjectNode root = LocalSecretsFormat.parseTree(bytes, display);
        JsonNode node = LocalSecretsFormat.nodeFor(value, root.get(name));
        root.set(name, node);
        byte[] out = LocalSecretsFormat.render(root);
        try {
          writeAtomically(out);
        } finally {
          Arrays.fill(out, (byte) 0);
        }
        snapshot = null;
        Entry written = LocalSecretsFormat.entry(name, node, display);
        return new SecretRecord(name, written.version(), written.value(), clock.instant());
      } catch (BadFile bad) {
        throw new ProviderUnavailableException(bad.getMessage() + " Secret '" + name + "' was not written.");
      } catch (IOException io) {
        throw ioFailure(name, io, "write");
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    }
  }

  private static SecretRecord record(String name, Entry e) {
    if (!e.enabled()) {
      throw new SecretAccessDeniedException("Secret '" + name + "' is disabled in its local secrets file"
          + " (\"enabled\": false). Set \"enabled\" to true or remove it to read the secret.");
    }
    return new SecretRecord(name, e.version(), e.value().clone(), null);
  }

  /** The current snapshot, re-reading the file if it may have changed. */
  private Snapshot snapshot(String name) {
    try {
      Snapshot s = snapshot;
      if (s != null && s.trusted() && s.sameFile(attributes())) {
        return s;
      }
      synchronized (lock) {
        s = snapshot;
        return s != null && s.trusted() && s.sameFile(attributes()) ? s : (snapshot = read(s));
      }
    } catch (BadFile bad) {
      throw new ProviderUnavailableException(bad.getMessage() + " Until it is fixed, secret '" + name
          + "' cannot be read (cached values are served within secrets.cache.max-stale).");
    } catch (IOException io) {
      throw ioFailure(name, io, "read");
    }
  }

  /** Reads the file; reuses {@code previous}'s entries when the bytes are unchanged. Under the lock. */
  private Snapshot read(Snapshot previous) throws IOException, BadFile {
    Instant readAt = clock.instant();
    BasicFileAttributes a = attributes();
    byte[] bytes = Files.readAllBytes(file);
    reads.incrementAndGet();
    try {
      byte[] digest = sha256(bytes);
      Map<String, Entry> entries;
      if (previous != null && MessageDigest.isEqual(digest, previous.digest())) {
        entries = previous.entries();
      } else {
        entries = LocalSecretsFormat.parse(bytes, display);
        parses.incrementAndGet();
      }
      boolean trusted = !a.lastModifiedTime().toInstant().plus(RACY).isAfter(readAt);
      // the attributes were read before the bytes: a change in between shows as a size/time
      // mismatch on the next read, which then reads again
      return new Snapshot(a.lastModifiedTime(), a.size(), a.fileKey(), digest, trusted, entries);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private BasicFileAttributes attributes() throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class);
  }

  private byte[] readBytes(String name) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException io) {
      throw ioFailure(name, io, "read");
    }
  }

  private void writeAtomically(byte[] content) throws IOException {
    Path target = file.toRealPath(); // write next to a symlink's target, not over the link
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
      } catch (UnsupportedOperationException notPosix) {
        // keep the temporary file's default permissions
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new ProviderUnavailableException("The file system of " + display + " cannot rename atomically,"
            + " so the local provider will not write to it. Move the file to a local disk.", e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private SecretsException ioFailure(String name, IOException io, String action) {
    if (io instanceof NoSuchFileException) {
      return new ProviderUnavailableException("Local secrets file " + display + " does not exist any more, so"
          + " secret '" + name + "' cannot be " + action + ". Restore the file, or point secrets.provider at"
          + " another one.", io);
    }
    if (io instanceof AccessDeniedException) {
      return new SecretAccessDeniedException("Permission denied to " + action + " local secrets file " + display
          + " for secret '" + name + "'. Grant the user running this process " + action + " access to it"
          + " (e.g. chmod u+rw).", io);
    }
    return new ProviderUnavailableException("Could not " + action + " local secrets file " + display
        + " for secret '" + name + "' (" + io.getClass().getSimpleName() + "). Check the file and disk.", io);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "LocalFileProvider[" + display + "]";
  }
}
