package io.secretsbroker.local;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.spi.Utf8;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code local://} file format: a JSON object from secret name to value.
 *
 * <ul>
 *   <li>A string is the value (UTF-8).
 *   <li>A wrapper object, whose keys are only {@code value}, {@code base64}, {@code version},
 *       {@code enabled} and {@code previous}, with exactly one of {@code value} / {@code base64}: {@code value} is the
 *       value (a string, or any other JSON stored as its compact JSON text), {@code base64} a
 *       binary value, {@code version} the version id (text or number; bump it when you change the
 *       value), {@code enabled: false} makes reads fail with access denied (like a disabled
 *       secret in a cloud store), {@code previous} the version a rotation replaced (a wrapper of its
 *       own: {@code value} or {@code base64}, and {@code version}).
 *   <li>A top-level key {@code "$pending:<name>"} holds the pending candidate of a rotation of
 *       {@code <name>}: {@code value} or {@code base64}, {@code version} and {@code stagedFrom} (the
 *       version it was staged from, absent when that entry has no explicit version). Keys with that prefix are never secrets.
 *   <li>Any other object, array, number or boolean is stored as its compact JSON text, so
 *       {@code field()} works on it. {@code null} means the secret does not exist.
 * </ul>
 * Without an explicit version the provider issues a random version id, kept in memory while the
 * value is unchanged (an id is never derived from the value). Errors name the file, the secret and a line/column, never a value: Jackson's own messages
 * (which quote the offending text) are never passed on. Stateless and thread-safe.
 */
final class LocalSecretsFormat {
  static final Set<String> WRAPPER_KEYS = Set.of("value", "base64", "version", "enabled", "previous");
  /** The top-level key prefix of a pending candidate. */
  static final String PENDING_PREFIX = "$pending:";

  /**
   * Jackson's default recycler pool keeps each thread's parse and render buffers for reuse, and
   * they still hold the text of the last file (values included) after the snapshot is zeroed: a
   * heap image taken at a checkpoint would carry them. These mappers recycle nothing.
   */
  private static com.fasterxml.jackson.core.JsonFactory unpooled() {
    return com.fasterxml.jackson.core.JsonFactory.builder()
        .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.nonRecyclingPool()).build();
  }

  private static final ObjectMapper JSON = new ObjectMapper(unpooled())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper COMPACT = new ObjectMapper(unpooled());

  /**
   * One secret (or pending candidate) as the file holds it. The value array belongs to the snapshot;
   * hand out copies. {@code version} is null when the file gives none; {@code previous} is the
   * version a rotation replaced (or null); {@code stagedFrom} is set on pending candidates only.
   */
  record Entry(byte[] value, String version, boolean enabled, Entry previous, String stagedFrom) {
    Entry(byte[] value, String version, boolean enabled) {
      this(value, version, enabled, null, null);
    }
  }

  /** A parsed file: the secrets and the pending candidates, by secret name. */
  record Parsed(Map<String, Entry> entries, Map<String, Entry> pending) {}

  /** The file cannot be used; the message is safe to show (no values). */
  static final class BadFile extends Exception {
    private static final long serialVersionUID = 1L;

    BadFile(String message) {
      super(message, null, false, false);
    }
  }

  private LocalSecretsFormat() {}

  /** Parses the whole file into a tree, checking that it is one JSON object. */
  static ObjectNode parseTree(byte[] bytes, String file) throws BadFile {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new BadFile(syntaxError(e, file));
    } catch (IOException e) {
      throw new BadFile("Local secrets file " + file + " could not be parsed (" + e.getClass().getSimpleName() + ").");
    }
    if (root == null || root.isMissingNode()) {
      throw new BadFile("Local secrets file " + file + " is empty. It must hold a JSON object of secret name to"
          + " value, e.g. {\"db\": \"dev-password\"} (or {} for none).");
    }
    if (!root.isObject()) {
      throw new BadFile("Local secrets file " + file + " holds a JSON " + root.getNodeType().name().toLowerCase()
          + "; it must hold a JSON object of secret name to value, e.g. {\"db\": \"dev-password\"}.");
    }
    return (ObjectNode) root;
  }

  /** Every secret and pending candidate in the file, by name. */
  static Parsed parse(byte[] bytes, String file) throws BadFile {
    ObjectNode root = parseTree(bytes, file);
    Map<String, Entry> out = new LinkedHashMap<>();
    Map<String, Entry> pending = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().startsWith(PENDING_PREFIX)) {
        String name = field.getKey().substring(PENDING_PREFIX.length());
        pending.put(name, pendingEntry(name, field.getValue(), file));
      } else if (!field.getValue().isNull()) {
        out.put(field.getKey(), entry(field.getKey(), field.getValue(), file));
      }
    }
    return new Parsed(Collections.unmodifiableMap(out), Collections.unmodifiableMap(pending));
  }

  /** A {@code "$pending:<name>"} member: {@code value}/{@code base64}, {@code version}, {@code stagedFrom}. */
  static Entry pendingEntry(String name, JsonNode node, String file) throws BadFile {
    if (!node.isObject() || node.has("value") == node.has("base64") || !node.path("version").isTextual()
        || (node.has("stagedFrom") && !node.get("stagedFrom").isTextual())) {
      throw new BadFile(where(name, file) + "its pending rotation \"" + PENDING_PREFIX + name + "\" must hold"
          + " \"value\" or \"base64\", and \"version\"; remove it to drop the pending candidate.");
    }
    return new Entry(valueOf(name, node, file), node.get("version").textValue(), true, null,
        node.has("stagedFrom") ? node.get("stagedFrom").textValue() : null);
  }

  /** One secret's node as an entry. */
  static Entry entry(String name, JsonNode node, String file) throws BadFile {
    if (!isWrapper(node)) {
      return new Entry(bytesOf(node), null, true);
    }
    byte[] value = valueOf(name, node, file);
    String version = null;
    JsonNode ver = node.get("version");
    if (ver != null && !ver.isNull()) {
      if (!(ver.isTextual() || ver.isIntegralNumber()) || ver.asText().isBlank()) {
        throw new BadFile(where(name, file) + "\"version\" must be a non-empty string or an integer.");
      }
      version = ver.asText();
    }
    boolean enabled = true;
    JsonNode en = node.get("enabled");
    if (en != null && !en.isNull()) {
      if (!en.isBoolean()) {
        throw new BadFile(where(name, file) + "\"enabled\" must be true or false.");
      }
      enabled = en.booleanValue();
    }
    Entry previous = null;
    JsonNode prev = node.get("previous");
    if (prev != null && !prev.isNull()) {
      if (!prev.isObject() || prev.has("value") == prev.has("base64") || !prev.path("version").isTextual()) {
        throw new BadFile(where(name, file) + "\"previous\" must hold \"value\" or \"base64\" and \"version\".");
      }
      previous = new Entry(valueOf(name, prev, file), prev.get("version").textValue(), true);
    }
    return new Entry(value, version, enabled, previous, null);
  }

  /** The value of a wrapper-shaped node: {@code base64} decoded, or {@code value} as text/JSON text. */
  private static byte[] valueOf(String name, JsonNode node, String file) throws BadFile {
    byte[] value;
    JsonNode base64 = node.get("base64");
    if (base64 != null) {
      if (!base64.isTextual()) {
        throw new BadFile(where(name, file) + "\"base64\" must be a string of Base64 text.");
      }
      try {
        value = Base64.getDecoder().decode(base64.textValue().strip());
      } catch (IllegalArgumentException e) {
        throw new BadFile(where(name, file) + "\"base64\" is not valid Base64.");
      }
    } else {
      JsonNode v = node.get("value");
      if (v.isNull()) {
        throw new BadFile(where(name, file) + "\"value\" is null; give a value or remove the secret.");
      }
      value = bytesOf(v);
    }
    return value;
  }

  /**
   * The JSON node for {@code value} in a wrapper, {@code like} being the node of the value it
   * replaces: when that was a JSON object and the new value is one too, it stays an object (not an
   * escaped string). Returns the key ({@code value} or {@code base64}) and node.
   */
  static Map.Entry<String, JsonNode> valueNode(byte[] value, JsonNode like) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    String text = Utf8.textOrNull(value);
    if (text == null) {
      return Map.entry("base64", nodes.textNode(Base64.getEncoder().encodeToString(value)));
    }
    if (like != null && like.isObject() && text.startsWith("{")) {
      try {
        JsonNode parsed = COMPACT.readTree(text);
        if (parsed != null && parsed.isObject()) {
          return Map.entry("value", parsed);
        }
      } catch (IOException notJson) {
        // stored as text
      }
    }
    return Map.entry("value", nodes.textNode(text));
  }

  /** The node holding the current value of an entry node: the wrapper's value, or the node itself. */
  static JsonNode currentValueNode(JsonNode entryNode) {
    return isWrapper(entryNode) ? entryNode.get("value") : entryNode;
  }

  /** Compact JSON text of a node (a pending member as the file holds it). */
  static String compact(JsonNode node) {
    try {
      return COMPACT.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A JSON tree could not be written", e);
    }
  }

  /** Whether {@code node} is the {@code {"value"|"base64", "version", "enabled"}} wrapper. */
  static boolean isWrapper(JsonNode node) {
    if (!node.isObject() || node.has("value") == node.has("base64")) {
      return false;
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      if (!WRAPPER_KEYS.contains(names.next())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The node {@code put} writes for a new value: a plain string, or a wrapper when the value is
   * binary ({@code base64}) or the previous entry carried an integer version (incremented).
   */
  static JsonNode nodeFor(byte[] value, JsonNode previous) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    String text = Utf8.textOrNull(value);
    JsonNode prevVersion = previous != null && isWrapper(previous) ? previous.get("version") : null;
    boolean numbered = prevVersion != null
        && (prevVersion.isIntegralNumber() || (prevVersion.isTextual() && prevVersion.textValue().matches("\\d{1,18}")));
    JsonNode like = previous == null ? null : currentValueNode(previous);
    if (text != null && !numbered) {
      Map.Entry<String, JsonNode> v = valueNode(value, like);
      return v.getValue();
    }
    ObjectNode wrapper = nodes.objectNode();
    if (text != null) {
      wrapper.set("value", valueNode(value, like).getValue());
    } else {
      wrapper.put("base64", Base64.getEncoder().encodeToString(value));
    }
    if (numbered) {
      long next = Long.parseLong(prevVersion.asText()) + 1;
      if (prevVersion.isTextual()) {
        wrapper.put("version", Long.toString(next));
      } else {
        wrapper.put("version", next);
      }
    }
    return wrapper;
  }

  /** The file's text for {@code root}: indented JSON and a final newline. */
  static byte[] render(ObjectNode root) {
    try {
      byte[] json = JSON.writeValueAsBytes(root);
      byte[] out = java.util.Arrays.copyOf(json, json.length + 1);
      out[json.length] = '\n';
      java.util.Arrays.fill(json, (byte) 0);
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A JSON tree could not be written", e);
    }
  }

  private static byte[] bytesOf(JsonNode node) throws BadFile {
    if (node.isTextual()) {
      return node.textValue().getBytes(StandardCharsets.UTF_8);
    }
    try {
      return COMPACT.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new BadFile("A value could not be written back as JSON text.");
    }
  }

  private static String where(String name, String file) {
    return "Secret '" + name + "' in local secrets file " + file + ": ";
  }

  private static String syntaxError(JsonProcessingException e, String file) {
    JsonLocation at = e.getLocation();
    String position = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    // Jackson quotes the offending text, which may be a value; only the duplicate-key message is
    // passed on, because it quotes a name.
    String detail = original.startsWith("Duplicate field") ? " (" + original + ")" : "";
    return "Local secrets file " + file + " is not valid JSON" + position + detail
        + ". Fix the file; expected a JSON object of secret name to value.";
  }
}
