package io.secretsbroker;

import io.secretsbroker.spi.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Masks the secret values this process currently holds in any text: a last line of defence
 * against a value logged by mistake ({@code log.info("connecting with " + password)}).
 *
 * <p>Every client registers each value it caches (the whole text, and for a JSON object secret
 * each string field that is not a well-known non-secret field such as {@code host} or
 * {@code username}) and forgets it when the value is evicted, replaced or wiped. Texts shorter than
 * {@value #MIN_LENGTH} characters are not registered (masking "true" everywhere would ruin logs and
 * protect nothing). Plug it into logging with
 * {@code io.secretsbroker.logging.RedactingMessageConverter} (Logback) or
 * {@code io.secretsbroker.logging.RedactingRewritePolicy} (Log4j2), or call {@link #redact} on
 * any output of your own.
 *
 * <p><b>Threads and cost.</b> {@link #redact} takes no lock: it reads one volatile array and
 * searches the text for each registered value, longest first ({@code O(values × length)}; a
 * function typically holds a handful). Registration is synchronized and rare (once per load).
 * Never throws on a null or empty text.
 */
public final class Redactor {
  /** What a masked value is replaced with. */
  public static final String MASK = "****";
  /** Values shorter than this are not masked. */
  public static final int MIN_LENGTH = 4;

  private static final Redactor GLOBAL = new Redactor();
  /** JSON fields whose values are descriptive, not secret (the AWS RDS secret layout and similar). */
  private static final Set<String> NON_SECRET_FIELDS = Set.of("host", "hostname", "port", "username", "user",
      "engine", "dbname", "database", "dbinstanceidentifier", "dbclusteridentifier", "url", "endpoint", "region",
      "type", "schema");

  private final Map<String, Integer> counts = new HashMap<>(); // guarded by this
  private volatile String[] values = new String[0]; // longest first

  Redactor() {}

  /** The process-wide redactor every client registers with and the logging plugins read. */
  public static Redactor global() {
    return GLOBAL;
  }

  /**
   * Masks every registered value in {@code text} with {@value #MASK}. Returns {@code text} itself
   * (no copy) when nothing matched.
   */
  public String redact(String text) {
    String[] v = values;
    if (v.length == 0 || text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String secret : v) {
      if (out.length() >= secret.length() && out.contains(secret)) {
        out = out.replace(secret, MASK);
      }
    }
    return out;
  }

  /** Whether {@code text} contains any registered value. */
  public boolean containsSecret(String text) {
    if (text == null) {
      return false;
    }
    for (String secret : values) {
      if (text.contains(secret)) {
        return true;
      }
    }
    return false;
  }

  /** How many distinct texts are registered (for tests and diagnostics). */
  public int size() {
    return values.length;
  }

  /**
   * Registers a text to mask until the returned handle is closed. Registrations are counted: the
   * same text registered twice stays masked until both handles are closed. Closing is idempotent.
   */
  public Subscription protect(String text) {
    if (text == null || text.length() < MIN_LENGTH) {
      return () -> { };
    }
    synchronized (this) {
      if (counts.merge(text, 1, Integer::sum) == 1) {
        rebuild();
      }
    }
    return new Handle(this, text);
  }

  /**
   * One registration: a single small object per cached value (no lambda and no separate flag),
   * since every cached secret keeps one (issue 17, memory per entry). Closing is idempotent.
   */
  private static final class Handle implements Subscription {
    private static final AtomicIntegerFieldUpdater<Handle> CLOSED =
        AtomicIntegerFieldUpdater.newUpdater(Handle.class, "closed");
    private final Redactor owner;
    private final String text;
    private volatile int closed;

    Handle(Redactor owner, String text) {
      this.owner = owner;
      this.text = text;
    }

    @Override
    public void close() {
      if (CLOSED.compareAndSet(this, 0, 1)) {
        owner.release(text);
      }
    }

    @Override
    public String toString() {
      return "Redactor.Handle[****]";
    }
  }

  /**
   * Registers a secret value: its text and, when it is a JSON object, its secret-looking string
   * fields (nested objects included). Binary values are skipped (they do not appear in text).
   * Close the handle when the value leaves the cache.
   */
  public Subscription protect(SecretValue value) {
    String text;
    try {
      text = value.asString();
    } catch (SecretsException binaryOrWiped) {
      return () -> { };
    }
    Subscription whole = protect(text);
    if (!text.startsWith("{")) {
      return whole; // the usual case: one handle, nothing else kept per value
    }
    Map<String, Object> json;
    try {
      json = Json.objectFields(text); // streaming: no databind on a cold start
    } catch (IOException notJson) {
      return whole; // plain text that starts with '{': the whole text is registered already
    }
    if (json == null) {
      return whole;
    }
    List<Subscription> handles = new ArrayList<>(4);
    handles.add(whole);
    collectFields(json, handles);
    return () -> handles.forEach(Subscription::close);
  }

  @SuppressWarnings("unchecked")
  private void collectFields(Map<String, Object> object, List<Subscription> handles) {
    for (Map.Entry<String, Object> f : object.entrySet()) {
      Object v = f.getValue();
      if (v instanceof String textual && !NON_SECRET_FIELDS.contains(f.getKey().toLowerCase(Locale.ROOT))) {
        handles.add(protect(textual));
      } else if (v instanceof Map<?, ?> nested) {
        collectFields((Map<String, Object>) nested, handles);
      }
    }
  }

  private synchronized void release(String text) {
    Integer n = counts.get(text);
    if (n == null) {
      return;
    }
    if (n == 1) {
      counts.remove(text);
      rebuild();
    } else {
      counts.put(text, n - 1);
    }
  }

  private void rebuild() {
    String[] next = counts.keySet().toArray(new String[0]);
    Arrays.sort(next, Comparator.comparingInt(String::length).reversed());
    values = next;
  }

  /** Never shows the values. */
  @Override
  public String toString() {
    return "Redactor[" + values.length + " values]";
  }
}
