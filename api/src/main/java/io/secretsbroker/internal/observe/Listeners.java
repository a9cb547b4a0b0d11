package io.secretsbroker.internal.observe;

import io.secretsbroker.SecretValue;
import io.secretsbroker.Subscription;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rotation listeners of one client ({@code onRotate}) and their announcements. A new version
 * is announced to each listener of the name on the client's executor, each with its own
 * {@linkplain SecretValue#view() view} (one listener cannot wipe another's), unless the name is
 * {@linkplain #hold held} because this client is rotating it: the rotation announces its outcome
 * once. {@code stats().rotations} counts what is announced here, not what was held back.
 *
 * <p>A listener that throws is logged (secret name and exception class, never its message, which
 * could carry a value) and the other listeners are unaffected. Thread-safe: concurrent maps and
 * copy-on-write lists; announcing never blocks on a listener.
 */
public final class Listeners {
  private static final Logger log = LoggerFactory.getLogger(io.secretsbroker.SecretsClient.class);

  private final Map<String, List<Consumer<SecretValue>>> byName = new ConcurrentHashMap<>();
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private final Executor executor;
  private final ClientEvents events;
  private final java.util.function.UnaryOperator<String> safeName;

  /**
   * @param safeName how a name is shown in a log line (redacted, quoted)
   */
  public Listeners(Executor executor, ClientEvents events, java.util.function.UnaryOperator<String> safeName) {
    this.executor = executor;
    this.events = events;
    this.safeName = safeName;
  }

  /** Adds a listener for the name; the subscription removes it. */
  public Subscription add(String name, Consumer<SecretValue> listener) {
    List<Consumer<SecretValue>> list = byName.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>());
    list.add(listener);
    return () -> list.remove(listener);
  }

  /** Holds back announcements of the name; false when it is already held (a rotation is under way). */
  public boolean hold(String name) {
    return held.add(name);
  }

  /** Lets announcements of the name through again. */
  public void release(String name) {
    held.remove(name);
  }

  /** Tells the name's listeners about a new version, unless the name is held. */
  public void announce(String name, SecretValue value) {
    if (held.contains(name)) {
      return;
    }
    events.rotationDelivered();
    List<Consumer<SecretValue>> list = byName.get(name);
    if (list == null) {
      return;
    }
    for (Consumer<SecretValue> l : list) {
      SecretValue view = value.view(); // each listener its own: one cannot wipe another's
      executor.execute(() -> {
        try {
          l.accept(view);
        } catch (RuntimeException | Error ex) {
          StackTraceElement[] st = ex.getStackTrace();
          log.warn("A rotation listener for secret '{}' threw {} at {}; other listeners are unaffected",
              safeName.apply(name), ex.getClass().getName(), st.length > 0 ? st[0] : "?");
        }
      });
    }
  }
}
