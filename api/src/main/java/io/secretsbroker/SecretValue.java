package io.secretsbroker;

import com.fasterxml.jackson.databind.JsonNode;
import io.secretsbroker.internal.Json;
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
 * <p>Thread-safe: immutable apart from the one-way wipe.
 */
public final class SecretValue {
  private final String name;
  private final String versionId;
  private final Instant createdOn;
  private final Instant expiresOn;
  private final Map<String, String> metadata;
  private final byte[] bytes;
  private volatile boolean wiped;
  // Built at most once per value; racy initialisation is benign (same content every time).
  private String text;
  private Map<String, String> textFields;
  private JsonNode json;

  private SecretValue(String name, String versionId, Instant createdOn, Instant expiresOn,
      Map<String, String> metadata, byte[] bytes) {
    this.name = name;
    this.versionId = versionId;
    this.createdOn = createdOn;
    this.expiresOn = expiresOn;
    this.metadata = metadata;
    this.bytes = bytes;
  }

  /** Wraps a provider record under the caller's (portable) name. The record's array is taken over. */
  public static SecretValue of(String name, SecretRecord record) {
    return new SecretValue(name, record.versionId(), record.createdOn(), record.expiresOn(),
        record.metadata(), record.value());
  }

  /** A value built by hand, for tests and examples. The array is copied. */
  public static SecretValue of(String name, String versionId, byte[] value) {
    return new SecretValue(name, versionId, null, null, Map.of(), value.clone());
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

  /** The value as UTF-8 text. The same String instance on every call. */
  public String asString() {
    String t = text;
    if (t == null) {
      checkNotWiped();
      t = decode();
      text = t;
    }
    return t;
  }

  private String decode() {
    String decoded = Utf8.textOrNull(bytes);
    if (decoded == null) {
      throw new SecretsException("Secret '" + name + "' (version " + versionId
          + ") is binary, not UTF-8 text. Read it with value(\"" + name + "\").asBytes().");
    }
    return decoded;
  }

  /** A copy of the raw bytes; clear it when done. */
  public byte[] asBytes() {
    checkNotWiped();
    return bytes.clone();
  }

  /** The value as a fresh char array; clear it ({@code Arrays.fill(chars, '\0')}) when done. */
  public char[] asChars() {
    checkNotWiped();
    CharBuffer cb = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
    char[] out = new char[cb.remaining()];
    cb.get(out);
    Arrays.fill(cb.array(), '\0');
    return out;
  }

  /** The size of the value in bytes. */
  public int length() {
    return bytes.length;
  }

  /**
   * One top-level field of a JSON object secret, as text (numbers and booleans in their JSON
   * form, nested objects as JSON).
   *
   * @throws SecretsException naming the field (never the value) when the value is not a JSON
   *     object or has no such field
   */
  public String field(String field) {
    String plain = textFields().get(field);
    if (plain != null) {
      return plain;
    }
    // not a string field (number, boolean, object, null), missing, or not a JSON object: the tree says
    JsonNode node = json();
    JsonNode f = node.get(field);
    if (f == null || f.isNull()) {
      throw new SecretsException("Secret '" + name + "' has no field '" + field + "'. Fields present: "
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
    Map<String, String> t = textFields;
    if (t == null) {
      checkNotWiped();
      t = new HashMap<>();
      try {
        Map<String, Object> fields = Json.objectFields(bytes);
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
      textFields = t;
    }
    return t;
  }

  private JsonNode json() {
    JsonNode j = json;
    if (j == null) {
      checkNotWiped();
      try {
        j = Json.mapper().readTree(bytes);
      } catch (java.io.IOException e) {
        j = null;
      }
      if (j == null || !j.isObject()) {
        throw new SecretsException("Secret '" + name + "' is not a JSON object, so it has no fields. "
            + "Read it whole with get(\"" + name + "\"), or store it as a JSON object.");
      }
      json = j;
    }
    return j;
  }

  /**
   * Zeroes the bytes; afterwards byte, char and JSON access throw. A String already handed out by
   * {@link #asString()} cannot be cleared (Java strings are immutable). Idempotent.
   */
  public void wipe() {
    wiped = true;
    Arrays.fill(bytes, (byte) 0);
    text = null;
    textFields = null;
    json = null;
  }

  public boolean isWiped() {
    return wiped;
  }

  private void checkNotWiped() {
    if (wiped) {
      throw new SecretsException("This value of secret '" + name + "' was wiped from memory (evicted, or a"
          + " snapshot was taken). Read the secret again with Secrets.value(\"" + name + "\").");
    }
  }

  /** Same name, version and bytes. */
  @Override
  public boolean equals(Object o) {
    return o instanceof SecretValue v && name.equals(v.name)
        && java.util.Objects.equals(versionId, v.versionId) && Arrays.equals(bytes, v.bytes);
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
