package io.secretsbroker.internal.observe;

import io.secretsbroker.Redactor;
import io.secretsbroker.spi.AuditEvent;
import io.secretsbroker.spi.AuditEvent.Outcome;
import io.secretsbroker.spi.AuditEvent.Type;
import io.secretsbroker.spi.AuditSink;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@link AuditEvent}s and hands them to the client's sinks.
 *
 * <p>Design note. Events are built only when some sink will see them: with no sink, every method
 * returns at the first branch. Hit events are built only when a sink {@linkplain
 * AuditSink#wantsHits() wants hits} ({@link #hits} is read once per hit, a final field). The caller
 * class is found with {@link StackWalker} on the cold paths only (misses, denials, writes). A sink
 * that throws is reported once at WARN and never fails the caller. The burst detector counts
 * distinct names seen on the miss path in a one-minute window (hits are names already counted)
 * and reports once per window. Thread-safe.
 */
public final class Audit {
  private static final Logger log = LoggerFactory.getLogger(Audit.class);
  private static final StackWalker WALKER = StackWalker.getInstance();

  /** Whether any sink wants {@link Type#ACCESS_HIT} events. */
  public final boolean hits;
  private final boolean enabled;
  private final String provider;
  private final Clock clock;
  private final Guarded[] sinks;
  private final Guarded[] hitSinks;
  private final int maxDistinctPerMinute;
  private final AtomicReference<Window> window;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  public Audit(String provider, Clock clock, List<AuditSink> sinks, int maxDistinctPerMinute) {
    this.provider = provider;
    this.clock = clock;
    // plain loops, not streams: this runs on every cold start (each lambda costs class spinning)
    List<Guarded> all = new ArrayList<>(sinks.size());
    List<Guarded> wantHits = new ArrayList<>(sinks.size());
    for (AuditSink s : sinks) {
      Guarded g = new Guarded(s); // one wrapper per sink: a failing sink is reported once, hits or not
      all.add(g);
      if (s.wantsHits()) {
        wantHits.add(g);
      }
      if (s instanceof AutoCloseable c) {
        closeables.add(c);
      }
    }
    this.sinks = all.toArray(new Guarded[0]);
    this.hitSinks = wantHits.toArray(new Guarded[0]);
    this.enabled = this.sinks.length > 0;
    this.hits = this.hitSinks.length > 0;
    this.maxDistinctPerMinute = maxDistinctPerMinute;
    this.window = new AtomicReference<>(new Window(clock.millis()));
  }

  public boolean enabled() {
    return enabled;
  }

  /** A cache hit (call only when {@link #hits}). */
  public void hit(String name, String versionId) {
    AuditEvent e = new AuditEvent(Type.ACCESS_HIT, clock.instant(), name, provider, versionId, Outcome.OK,
        Duration.ZERO, null, null, null);
    for (Guarded s : hitSinks) {
      s.record(e);
    }
  }

  public void event(Type type, String name, String versionId, Outcome outcome, long latencyNanos, String caller,
      Throwable error, String detail) {
    if (!enabled) {
      return;
    }
    // the name and detail pass the live-value redactor: a value passed as a name is never audited
    Redactor r = Redactor.global();
    publish(new AuditEvent(type, clock.instant(), r.redact(name), provider, versionId, outcome,
        Duration.ofNanos(latencyNanos), caller, error == null ? null : error.getClass().getSimpleName(),
        r.redact(detail)));
  }

  private void publish(AuditEvent e) {
    for (Guarded s : sinks) {
      s.record(e);
    }
  }

  /**
   * A runtime guard finding: a secret-looking environment variable or system property.
   *
   * @param subject the variable or property name (never its value)
   * @param ruleId the detection rule that matched
   * @param blocked whether the client refused to start ({@code secrets.guard=block})
   */
  public void guardViolation(String subject, String ruleId, boolean blocked) {
    event(Type.GUARD_VIOLATION, subject, null, blocked ? Outcome.REFUSED : Outcome.OK, 0, null, null,
        "rule " + ruleId + "; secrets.guard=" + (blocked ? "block" : "warn"));
  }

  /**
   * Counts {@code name} towards the distinct-names window; the first name over the limit in a
   * window raises one {@link Type#ANOMALY}.
   */
  public void observeName(String name, String caller) {
    if (!enabled) {
      return;
    }
    long now = clock.millis();
    Window w = window.get();
    if (now - w.start >= 60_000) {
      Window next = new Window(now);
      w = window.compareAndSet(w, next) ? next : window.get();
    }
    if (w.names.size() > maxDistinctPerMinute || !w.names.add(name)) {
      return;
    }
    if (w.names.size() > maxDistinctPerMinute && w.reported.compareAndSet(false, true)) {
      event(Type.ANOMALY, name, null, Outcome.OK, 0, caller, null, "more than " + maxDistinctPerMinute
          + " distinct secret names within a minute (secrets.anomaly.max-distinct-names-per-minute)");
    }
  }

  /** Closes the sinks that hold resources (metrics meters). */
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception ex) {
        log.warn("Closing audit sink {} failed: {}", c.getClass().getName(), ex.getClass().getSimpleName());
      }
    }
  }

  /** The first frame outside the client: the application class that asked. */
  public static String caller() {
    return WALKER.walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
        .filter(c -> !isOurs(c)).findFirst().orElse(null));
  }

  private static boolean isOurs(String className) {
    return className.startsWith("io.secretsbroker.internal.client.")
        || className.startsWith("io.secretsbroker.internal.cache.")
        || className.startsWith("io.secretsbroker.internal.observe.")
        || className.equals("io.secretsbroker.Secrets")
        || className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")
        || className.startsWith("com.github.benmanes.caffeine.");
  }

  private static final class Window {
    final long start;
    final Set<String> names = ConcurrentHashMap.newKeySet();
    final AtomicBoolean reported = new AtomicBoolean();

    Window(long start) {
      this.start = start;
    }
  }

  /** A sink whose failures are logged once and swallowed. */
  private static final class Guarded {
    final AuditSink sink;
    final AtomicBoolean complained = new AtomicBoolean();

    Guarded(AuditSink sink) {
      this.sink = sink;
    }

    void record(AuditEvent e) {
      try {
        sink.record(e);
      } catch (RuntimeException ex) {
        if (complained.compareAndSet(false, true)) {
          log.warn("Audit sink {} threw {}; its failures are ignored from now on (reads are unaffected)",
              sink.getClass().getName(), ex.getClass().getName());
        }
      }
    }
  }
}
