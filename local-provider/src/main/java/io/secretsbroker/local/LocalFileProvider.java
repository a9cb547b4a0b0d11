package io.secretsbroker.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.local.LocalSecretsFormat.BadFile;
import io.secretsbroker.local.LocalSecretsFormat.Entry;
import io.secretsbroker.local.LocalSecretsFormat.Parsed;
import io.secretsbroker.spi.SecretNames;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
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
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

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
 *   <li><b>Writes are atomic.</b> Every write rewrites the whole file into a temporary file in the
 *       same directory, forces it to disk and renames it over the original with
 *       {@code ATOMIC_MOVE}, so a reader (this process, another one, an editor) sees the old file
 *       or the new one, never a mix. Other entries are preserved; the formatting is normalised
 *       (except by stage and discard, below).
 *   <li><b>One writer at a time</b> across threads, providers, clients and processes: a write holds
 *       a JVM-wide lock for the file's real path and an OS lock ({@link FileChannel#lock()}) on the
 *       lock file {@code <file>.lock} beside it, and reads the file afresh under both, so each
 *       write starts from the last one's result (no lost update).
 *   <li><b>Rotation</b> ({@link #stage}, {@link #promote}, {@link #discardPending}): a candidate is
 *       kept in the file as the top-level member {@code "$pending:<name>"}, inserted as text before
 *       the closing brace, so the entry itself is untouched and readers of it never see the
 *       candidate; discarding removes exactly that text, so a failed rotation leaves the file
 *       byte-identical. Stage and promote compare the current version with the expected one under
 *       the lock (compare-and-set). Promote rewrites the entry as a wrapper holding the candidate,
 *       its version and {@code previous} (the replaced version), and removes the pending member.
 *       A candidate staged from a hand-written entry without a version records no
 *       {@code stagedFrom} (the id was this process's own), so any process resumes it; a hand edit
 *       of that entry between a crash and the resume is then not detected.
 *   <li><b>Versions</b> are the entry's explicit {@code version}; an entry without one (hand
 *       written) gets a random id from this provider, kept while its value is unchanged (compared
 *       by a digest held in memory only), so an edit is a new version and listeners fire. An id is
 *       never derived from the value. {@link VersionStage#PREVIOUS} and {@link VersionStage#PENDING}
 *       are read from the file.
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
      Parsed parsed, java.util.concurrent.atomic.AtomicBoolean wiped) {
    Map<String, Entry> entries() {
      return parsed.entries();
    }

    boolean sameFile(BasicFileAttributes a) {
      return modified.equals(a.lastModifiedTime()) && size == a.size() && Objects.equals(fileKey, a.fileKey());
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  /** One in-process writer per real file, whichever provider instance writes it. */
  private static final ConcurrentMap<Path, ReentrantLock> WRITERS = new ConcurrentHashMap<>();

  /** A version id this provider issued for an entry without one: valid while the value's digest is {@code digest}. */
  private record Issued(byte[] digest, String id) {}

  private final Path file;
  private final String display;
  private final Clock clock;
  private final Object lock = new Object();
  private final ConcurrentMap<String, Issued> issued = new ConcurrentHashMap<>();
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
    for (;;) {
      Snapshot s = snapshot(name);
      Entry e = s.entries().get(name);
      if (e == null) {
        throw new SecretNotFoundException("Secret '" + name + "' not found in local secrets file " + display
            + ". Add it to the file, e.g. \"" + name + "\": \"dev-value\", or check the name and secrets.env prefix.");
      }
      SecretRecord r = record(name, e);
      if (!s.wiped().get()) {
        return r; // copied before a checkpoint began zeroing this snapshot
      }
      Arrays.fill(r.value(), (byte) 0); // raced with a checkpoint: read the file again
    }
  }

  /**
   * Before a CRaC / SnapStart checkpoint: zeroes and drops the parsed file (every value in it, the
   * previous and pending ones too) and the value digests behind issued version ids, so no value is
   * in the snapshot. The next read parses the file again. A read racing with this reads the file
   * again rather than return zeroed bytes.
   */
  @Override
  public void beforeCheckpoint() {
    Snapshot s;
    synchronized (lock) {
      s = snapshot;
      snapshot = null;
      issued.clear();
    }
    if (s == null) {
      return;
    }
    s.wiped().set(true);
    for (Entry e : s.entries().values()) {
      for (Entry v = e; v != null; v = v.previous()) {
        Arrays.fill(v.value(), (byte) 0);
      }
    }
    for (Entry e : s.parsed().pending().values()) {
      Arrays.fill(e.value(), (byte) 0);
    }
    Arrays.fill(s.digest(), (byte) 0);
  }

  /** Whether parsed values are held, for tests. */
  boolean holdsValues() {
    return snapshot != null || !issued.isEmpty();
  }

  @Override
  public SecretRecord fetchVersion(String name, String versionId) {
    SecretNames.validate(name);
    SecretRecord current = fetch(name);
    if (versionId == null || versionId.equals(current.versionId())) {
      return current;
    }
    Arrays.fill(current.value(), (byte) 0);
    Entry prev = snapshot(name).entries().get(name).previous();
    if (prev != null && prev.version().equals(versionId)) {
      return new SecretRecord(name, prev.version(), prev.value().clone(), null);
    }
    throw new SecretNotFoundException("Secret '" + name + "' has no version '" + versionId + "' in local secrets"
        + " file " + display + " (it keeps the current version and the one a rotation replaced).");
  }

  @Override
  public SecretRecord put(String name, byte[] value) {
    SecretNames.validate(name);
    Objects.requireNonNull(value, "value");
    return write(name, "write", (root, text) -> {
      JsonNode node = LocalSecretsFormat.nodeFor(value, root.get(name));
      root.set(name, node);
      Entry written = LocalSecretsFormat.entry(name, node, display);
      String version = written.version() != null ? written.version() : issue(name, written.value());
      return new Written(LocalSecretsFormat.render(root),
          new SecretRecord(name, version, written.value(), clock.instant()));
    });
  }

  private SecretRecord record(String name, Entry e) {
    if (!e.enabled()) {
      throw new SecretAccessDeniedException("Secret '" + name + "' is disabled in its local secrets file"
          + " (\"enabled\": false). Set \"enabled\" to true or remove it to read the secret.");
    }
    return new SecretRecord(name, versionOf(name, e), e.value().clone(), null);
  }

  /** The entry's explicit version, or the random id this provider issued for its current value. */
  private String versionOf(String name, Entry e) {
    return e.version() != null ? e.version() : issue(name, e.value());
  }

  private String issue(String name, byte[] value) {
    byte[] digest = sha256(value);
    Issued now = issued.compute(name, (n, old) ->
        old != null && MessageDigest.isEqual(old.digest(), digest) ? old : new Issued(digest, randomId()));
    return now.id();
  }

  private static String randomId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  // ------------------------------------------------------------------ rotation

  /** Staging is supported: the candidate is kept in the file as {@code "$pending:<name>"}. */
  @Override
  public boolean supportsStaging() {
    return true;
  }

  @Override
  public SecretRecord fetchStage(String name, VersionStage stage) {
    Objects.requireNonNull(stage, "stage");
    SecretNames.validate(name);
    if (stage == VersionStage.CURRENT) {
      return fetch(name);
    }
    Snapshot s = snapshot(name);
    Entry e = s.entries().get(name);
    if (e == null) {
      return fetch(name); // throws not-found, naming the file
    }
    if (!e.enabled()) {
      return record(name, e); // throws access denied
    }
    Entry found = stage == VersionStage.PREVIOUS ? e.previous() : s.parsed().pending().get(name);
    if (found == null) {
      throw new SecretNotFoundException("Secret '" + name + "' has no " + stage + " version in local secrets file "
          + display + (stage == VersionStage.PENDING ? " (no rotation is in progress)." : " (it was never rotated)."));
    }
    Map<String, String> meta = found.stagedFrom() == null ? Map.of() : Map.of("stagedFrom", found.stagedFrom());
    return new SecretRecord(name, found.version(), found.value().clone(), null, null, meta);
  }

  @Override
  public SecretRecord stage(String name, String expectedCurrentVersionId, byte[] value) {
    SecretNames.validate(name);
    Objects.requireNonNull(expectedCurrentVersionId, "expectedCurrentVersionId");
    Objects.requireNonNull(value, "value");
    return write(name, "stage", (root, text) -> {
      JsonNode node = current(root, name);
      checkCurrent(name, node, expectedCurrentVersionId);
      String pendingId = randomId();
      ObjectNode member = JsonNodeFactory.instance.objectNode();
      Map.Entry<String, JsonNode> v = LocalSecretsFormat.valueNode(value, LocalSecretsFormat.currentValueNode(node));
      member.set(v.getKey(), v.getValue());
      member.put("version", pendingId);
      // a hand-written entry without a version has an id only this process knows: another
      // process could not compare it, so the candidate records no base and any process resumes it
      boolean versioned = LocalSecretsFormat.entry(name, node, display).version() != null;
      if (versioned) {
        member.put("stagedFrom", expectedCurrentVersionId);
      }
      SecretRecord staged = new SecretRecord(name, pendingId, value.clone(), clock.instant(), null,
          versioned ? Map.of("stagedFrom", expectedCurrentVersionId) : Map.of());
      String key = LocalSecretsFormat.PENDING_PREFIX + name;
      if (root.has(key)) {
        root.set(key, member); // replaces an earlier candidate
        return new Written(LocalSecretsFormat.render(root), staged);
      }
      int close = lastBrace(text);
      String inserted = pendingText(key, member);
      byte[] out = (text.substring(0, close) + inserted + text.substring(close)).getBytes(StandardCharsets.UTF_8);
      return new Written(out, staged);
    });
  }

  @Override
  public SecretRecord promote(String name, String pendingVersionId, String expectedCurrentVersionId) {
    SecretNames.validate(name);
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    Objects.requireNonNull(expectedCurrentVersionId, "expectedCurrentVersionId");
    return write(name, "promote", (root, text) -> {
      JsonNode node = current(root, name);
      checkCurrent(name, node, expectedCurrentVersionId);
      String key = LocalSecretsFormat.PENDING_PREFIX + name;
      JsonNode member = root.get(key);
      if (member == null || !pendingVersionId.equals(member.path("version").asText(null))) {
        throw new RotationConflictException("Secret '" + name + "' in local secrets file " + display
            + " has no pending version '" + pendingVersionId + "' any more (another rotation replaced or discarded"
            + " it); nothing was promoted. Rotate again.");
      }
      Entry old = LocalSecretsFormat.entry(name, node, display);
      Entry candidate = LocalSecretsFormat.pendingEntry(name, member, display);
      ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
      String valueKey = member.has("base64") ? "base64" : "value";
      wrapper.set(valueKey, member.get(valueKey));
      wrapper.put("version", pendingVersionId);
      if (!old.enabled()) {
        wrapper.put("enabled", false);
      }
      ObjectNode previous = wrapper.putObject("previous");
      Map.Entry<String, JsonNode> pv = LocalSecretsFormat.valueNode(old.value(), LocalSecretsFormat.currentValueNode(node));
      previous.set(pv.getKey(), pv.getValue());
      previous.put("version", expectedCurrentVersionId);
      root.set(name, wrapper);
      root.remove(key);
      return new Written(LocalSecretsFormat.render(root),
          new SecretRecord(name, pendingVersionId, candidate.value(), clock.instant(), null,
              Map.of("previousVersion", expectedCurrentVersionId)));
    });
  }

  @Override
  public void discardPending(String name, String pendingVersionId) {
    SecretNames.validate(name);
    Objects.requireNonNull(pendingVersionId, "pendingVersionId");
    write(name, "discard", (root, text) -> {
      String key = LocalSecretsFormat.PENDING_PREFIX + name;
      JsonNode member = root.get(key);
      if (member == null || !pendingVersionId.equals(member.path("version").asText(null))) {
        return null; // gone, replaced or promoted: nothing to do
      }
      String inserted = pendingText(key, member);
      int at = text.indexOf(inserted);
      if (at >= 0 && text.indexOf(inserted, at + 1) < 0) {
        // exactly what stage inserted: removing it gives back the file as it was
        return new Written((text.substring(0, at) + text.substring(at + inserted.length()))
            .getBytes(StandardCharsets.UTF_8), null);
      }
      root.remove(key);
      return new Written(LocalSecretsFormat.render(root), null);
    });
  }

  /** The text stage inserts for a pending member, before the root's closing brace. */
  private static String pendingText(String key, JsonNode member) {
    return ",\n  " + LocalSecretsFormat.compact(JsonNodeFactory.instance.textNode(key)) + ": "
        + LocalSecretsFormat.compact(member);
  }

  private static int lastBrace(String text) {
    int i = text.length() - 1;
    while (i >= 0 && Character.isWhitespace(text.charAt(i))) {
      i--;
    }
    // the last value before the brace ends at the previous non-space character
    int j = i - 1;
    while (j >= 0 && Character.isWhitespace(text.charAt(j))) {
      j--;
    }
    return j + 1;
  }

  private JsonNode current(ObjectNode root, String name) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      throw new SecretNotFoundException("Secret '" + name + "' not found in local secrets file " + display
          + ", so it cannot be rotated (rotation never creates a secret). Add it to the file first.");
    }
    return node;
  }

  private void checkCurrent(String name, JsonNode node, String expected) throws BadFile {
    Entry e = LocalSecretsFormat.entry(name, node, display);
    if (!e.enabled()) {
      record(name, e); // throws access denied
    }
    String actual = versionOf(name, e);
    if (!actual.equals(expected)) {
      throw new RotationConflictException("Secret '" + name + "' in local secrets file " + display
          + " is at version " + actual + ", not the expected " + expected + ": another writer got there first,"
          + " so nothing was changed. Read the current value and rotate again if needed.");
    }
  }

  /** What one locked write puts in the file, and what it returns. */
  private record Written(byte[] content, SecretRecord result) {}

  @FunctionalInterface
  private interface Edit {
    /** Given the freshly read file, the new content (null: leave the file alone). */
    Written apply(ObjectNode root, String text) throws BadFile;
  }

  /**
   * One write under the JVM-wide lock and the OS file lock: reads the file afresh, lets {@code edit}
   * decide, and replaces the file atomically.
   */
  private SecretRecord write(String name, String action, Edit edit) {
    Path real;
    try {
      real = file.toRealPath();
    } catch (IOException io) {
      throw ioFailure(name, io, action);
    }
    ReentrantLock writer = WRITERS.computeIfAbsent(real, p -> new ReentrantLock());
    writer.lock();
    try (FileChannel lockFile = FileChannel.open(real.resolveSibling(real.getFileName() + ".lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = lockFile.lock()) {
      byte[] bytes = readBytes(name);
      try {
        ObjectNode root = LocalSecretsFormat.parseTree(bytes, display);
        Written w = edit.apply(root, new String(bytes, StandardCharsets.UTF_8));
        if (w == null) {
          return null;
        }
        try {
          writeAtomically(real, w.content());
        } finally {
          Arrays.fill(w.content(), (byte) 0);
        }
        synchronized (lock) {
          snapshot = null;
        }
        return w.result();
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    } catch (BadFile bad) {
      throw new ProviderUnavailableException(bad.getMessage() + " Secret '" + name + "' was not written.");
    } catch (IOException io) {
      throw ioFailure(name, io, action);
    } finally {
      writer.unlock();
    }
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
      Parsed entries;
      if (previous != null && MessageDigest.isEqual(digest, previous.digest())) {
        entries = previous.parsed();
      } else {
        entries = LocalSecretsFormat.parse(bytes, display);
        parses.incrementAndGet();
      }
      boolean trusted = !a.lastModifiedTime().toInstant().plus(RACY).isAfter(readAt);
      // the attributes were read before the bytes: a change in between shows as a size/time
      // mismatch on the next read, which then reads again
      return new Snapshot(a.lastModifiedTime(), a.size(), a.fileKey(), digest, trusted, entries,
          new java.util.concurrent.atomic.AtomicBoolean());
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

  /** Writes {@code content} next to {@code target} (a symlink's real target) and renames it over it. */
  private void writeAtomically(Path target, byte[] content) throws IOException {
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
