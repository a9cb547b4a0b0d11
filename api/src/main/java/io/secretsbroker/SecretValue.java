package io.secretsbroker;

import com.fasterxml.jackson.databind.JsonNode;
import io.secretsbroker.spi.Json;
import io.secretsbroker.spi.SecretRecord;
import io.secretsbroker.spi.Utf8;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One version of a secret: its value and non-secret metadata.
 *
 * <p>{@link #toString()} is masked and the class is not {@link java.io.Serializable}, so a value
 * cannot leak through logging or serialization by accident. {@link #asBytes()} and
 * {@link #asChars()} return copies the caller can clear. When the cache evicts a value, or a
 * snapshot (CRaC / SnapStart) is about to be taken, the client {@linkplain #wipe() wipes} it: its
 * bytes are zeroed and byte/char access throws; read the secret again to get a fresh value.
 *
 * <p><b>Owners and views.</b> A value made with {@code of(...)} owns its bytes: {@link #wipe()}
 * zeroes them. The client keeps the owner in its cache and hands every caller a {@link #view()}:
 * same content, but a view's {@code wipe()} only stops <em>that view</em> giving access, so one
 * caller can never break {@code value(name)} for the others. When the client wipes the owner
 * (eviction, snapshot, close), every view of it is wiped too.
 *
 * <p><b>One copy.</b> A value is held in exactly one form, chosen when it is made: a value that is
 * UTF-8 text is kept as that {@code String} only (the array it was made from is zeroed at once),
 * because the client's {@link Redactor} must hold the text anyway to mask it in logs, and
 * {@code get()} returns it; {@link #asBytes()} and {@link #asChars()} then encode a fresh copy
 * the caller owns. A binary value (not UTF-8) is kept as bytes only, which {@link #wipe()} zeroes.
 * Wiping a text value drops the reference: a Java {@code String} cannot be zeroed, so that is
 * what can be done; the garbage collector reclaims it once no caller holds it.
 *
 * <p>Thread-safe: immutable apart from the one-way wipe.
 */
public final class SecretValue {
  private final String name;
  private final String versionId;
  private final Instant createdOn;
  private final Instant expiresOn;
  private final Map<String, String> metadata;
  private final Content content;
  private final boolean owner;
  private volatile boolean viewWiped;

  /**
   * The value in its one form, shared by an owner and its views: {@code text} for a UTF-8 value
   * (then {@code bytes} is null), {@code bytes} for a binary one (then {@code text} is null).
   */
  private static final class Content {
    final byte[] bytes;
    /** Nulled by a wipe (a String cannot be zeroed; dropping it is what we can do). */
    volatile String text;
    final int length;
    volatile boolean wiped;
    // Built at most once per value; racy initialisation is benign (same content every time).
    Map<String, String> textFields;
    JsonNode json;

    /** Takes {@code raw} over: a UTF-8 value is kept as text and {@code raw} is zeroed. */
    Content(byte[] raw) {
      String decoded = Utf8.textOrNull(raw);
      this.length = raw.length;
      if (decoded == null) {
        this.bytes = raw;
      } else {
        this.bytes = null;
        this.text = decoded;
        Arrays.fill(raw, (byte) 0);
      }
    }

    /** A fresh copy of the raw bytes, or null once a text value was wiped. */
    byte[] copy() {
      if (bytes != null) {
        return bytes.clone();
      }
      String t = text;
      return t == null ? null : t.getBytes(StandardCharsets.UTF_8);
    }
  }

  private SecretValue(String name, String versionId, Instant createdOn, Instant expiresOn,
      Map<String, String> metadata, Content content, boolean owner) {
    this.name = name;
    this.versionId = versionId;
    this.createdOn = createdOn;
    this.expiresOn = expiresOn;
    this.metadata = metadata;
    this.content = content;
    this.owner = owner;
  }

  /**
   * Wraps a provider record under the caller's (portable) name. The record's array is taken over:
   * for a UTF-8 value it is zeroed before this returns (the value keeps the text only).
   */
  public static SecretValue of(String name, SecretRecord record) {
    return new SecretValue(name, record.versionId(), record.createdOn(), record.expiresOn(),
        record.metadata(), new Content(record.value()), true);
  }

  /** A value built by hand, for tests and examples. The array is copied (the caller's is left as it is). */
  public static SecretValue of(String name, String versionId, byte[] value) {
    return new SecretValue(name, versionId, null, null, Map.of(), new Content(value.clone()), true);
  }

  /**
   * A view of this value: same name, version and content, no copy. Wiping the view only hides the
   * content from the view; wiping the owner (or a value the view was taken from after its owner
   * was wiped) hides it from every view. Cheap: one small object, no copy of the bytes.
   */
  public SecretValue view() {
    return new SecretValue(name, versionId, createdOn, expiresOn, metadata, content, false);
  }

  public String name() {
    return name;
  }

  /** The provider's version id, or null when the store has no versions. */
  public String versionId() {
    return versionId;
  }

  /** When this version was created, or null when the store does not say. */
  public Instant createdOn() {
    return createdOn;
  }

  /** When this value stops being valid (Key Vault expiry, Vault lease end), if the store says. */
  public Optional<Instant> expiresOn() {
    return Optional.ofNullable(expiresOn);
  }

  /** Lease duration for dynamic secrets (from the {@code leaseDuration} metadata), if any. */
  public Optional<Duration> leaseDuration() {
    String s = metadata.get("leaseDuration");
    return s == null ? Optional.empty() : Optional.of(Duration.parse(s));
  }

  /** Non-secret provider facts: content type, enabled flag, lease id, staging labels. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The value as UTF-8 text. The same String instance on every call (no copy is made). */
  public String asString() {
    checkNotWiped();
    String t = content.text;
    if (t == null) {
      checkNotWiped(); // wiped meanwhile
      throw new SecretFormatException("Secret '" + name + "' (version " + versionId
          + ") is binary, not UTF-8 text. Read it with value(\"" + name + "\").asBytes().");
    }
    return t;
  }

  /** A fresh copy of the raw bytes (encoded from the text for a text value); clear it when done. */
  public byte[] asBytes() {
    checkNotWiped();
    byte[] b = content.copy();
    if (b == null) {
      checkNotWiped();
    }
    return b;
  }

  /** The value as a fresh char array; clear it ({@code Arrays.fill(chars, '\0')}) when done. */
  public char[] asChars() {
    checkNotWiped();
    Content c = content;
    String t = c.text;
    if (t != null) {
      return t.toCharArray();
    }
    CharBuffer cb = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(c.bytes == null ? new byte[0] : c.bytes));
    checkNotWiped();
    char[] out = new char[cb.remaining()];
    cb.get(out);
    Arrays.fill(cb.array(), '\0');
    return out;
  }

  /** The size of the value in bytes (its UTF-8 length for a text value). */
  public int length() {
    return content.length;
  }

  /**
   * One top-level field of a JSON object secret, as text (numbers and booleans in their JSON
   * form, nested objects as JSON).
   *
   * @throws SecretFormatException naming the field (never the value) when the value is not a JSON
   *     object or has no such field
   */
  public String field(String field) {
    java.util.Objects.requireNonNull(field, "field");
    String plain = textFields().get(field);
    if (plain != null) {
      return plain;
    }
    // not a string field (number, boolean, object, null), missing, or not a JSON object: the tree says
    JsonNode node = json();
    JsonNode f = node.get(field);
    if (f == null || f.isNull()) {
      throw new SecretFormatException("Secret '" + name + "' has no field '" + field + "'. Fields present: "
          + String.join(", ", (Iterable<String>) node::fieldNames) + ".");
    }
    return f.isValueNode() ? f.asText() : f.toString();
  }

  /**
   * The top-level string fields, read once with Jackson's streaming parser (a duplicate name keeps
   * its last value, as in the tree; a name whose last value is not a string is left out). The usual
   * field, a password, is then served without building a tree: the first read of an alias such as
   * {@code secrets.alias.db=prod/db#password} loads no Jackson databind class (a cold-start cost,
   * docs/benchmarks.md). Empty when the value is not a well-formed JSON object.
   */
  private Map<String, String> textFields() {
    checkNotWiped();
    Map<String, String> t = content.textFields;
    if (t == null) {
      t = new HashMap<>();
      try {
        String text = content.text;
        Map<String, Object> fields = text != null ? Json.objectFields(text)
            : content.bytes != null ? Json.objectFields(content.bytes) : null;
        if (fields != null) {
          for (Map.Entry<String, Object> f : fields.entrySet()) {
            if (f.getValue() instanceof String s) {
              t.put(f.getKey(), s);
            }
          }
        }
      } catch (java.io.IOException malformed) {
        t.clear(); // json() explains
      }
      t = Map.copyOf(t); // immutable: final fields make the racy publication safe
      content.textFields = t;
    }
    return t;
  }

  private JsonNode json() {
    checkNotWiped();
    JsonNode j = content.json;
    if (j == null) {
      try {
        String text = content.text;
        j = text != null ? Json.mapper().readTree(text) : Json.mapper().readTree(content.bytes);
      } catch (java.io.IOException e) {
        j = null;
      }
      if (j == null || !j.isObject()) {
        throw new SecretFormatException("Secret '" + name + "' is not a JSON object, so it has no fields. "
            + "Read it whole with get(\"" + name + "\"), or store it as a JSON object.");
      }
      content.json = j;
    }
    return j;
  }

  /**
   * On an owner (a value made with {@code of(...)}): zeroes the bytes, and afterwards byte, char,
   * text and JSON access throw, on the owner and on every view of it. On a {@link #view()} (what the
   * client hands out): only this view stops giving access; the cached copy and other callers'
   * views are untouched. A String already handed out by {@link #asString()} cannot be cleared
   * (Java strings are immutable). Idempotent.
   */
  public void wipe() {
    viewWiped = true;
    if (owner) {
      Content c = content;
      c.wiped = true;
      if (c.bytes != null) {
        Arrays.fill(c.bytes, (byte) 0);
      }
      c.text = null;
      c.textFields = null;
      c.json = null;
    }
  }

  /** Whether this value (this view, or the owner it was taken from) was wiped. */
  public boolean isWiped() {
    return viewWiped || content.wiped;
  }

  private void checkNotWiped() {
    if (isWiped()) {
      throw new SecretsException("This value of secret '" + name + "' was wiped from memory (evicted, or a"
          + " snapshot was taken). Read the secret again with Secrets.value(\"" + name + "\").");
    }
  }

  /** Same name, version and bytes. */
  @Override
  public boolean equals(Object o) {
    return o instanceof SecretValue v && name.equals(v.name)
        && java.util.Objects.equals(versionId, v.versionId) && sameContent(content, v.content);
  }

  private static boolean sameContent(Content a, Content b) {
    if (a == b) {
      return true;
    }
    String ta = a.text;
    String tb = b.text;
    if (ta != null && tb != null) {
      return ta.equals(tb);
    }
    return Arrays.equals(a.bytes, b.bytes) && (a.bytes != null || ta == null && tb == null);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(name, versionId);
  }

  @Override
  public String toString() {
    return "SecretValue[name=" + name + ", versionId=" + versionId + ", value=****]";
  }
}
