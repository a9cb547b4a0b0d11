package io.secretsbroker.examples.localdemo;

import io.secretsbroker.CacheStats;
import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.SecretsException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Plays the function platform for {@link DbFunction}: configures Secrets Broker for the
 * {@code local://} provider on a demo file, then invokes the handler every 100 ms while the file
 * is rotated, corrupted and repaired underneath it, and narrates what the cache does. Run it with
 * the command in the README (or {@code ./mvnw -B -q -pl examples/local-demo exec:java} once the
 * modules are installed); it finishes in a few seconds.
 *
 * <p>Configuration is what a deployment would set, as system properties:
 * {@code secrets.provider=local:///<dir>/dev-secrets.json}, {@code secrets.env=dev},
 * {@code secrets.cache.refresh-after=1s}. The handler reads {@code Secrets.get("db")} through the
 * default client those properties build. Only masked values are printed.
 *
 * <p>Threads: {@link #run} is not reentrant (it configures the process-wide {@link Secrets}
 * default and system properties, and restores both when done). Failure behaviour: an invocation
 * that throws is printed and counted as failed, and the demo goes on.
 */
public final class DemoRunner {
  static final String FIRST_PASSWORD = "tr0ub4dor-and-3-horses"; // secrets-guard:allow demo value written to the local demo file under target/
  static final String SECOND_PASSWORD = "c0rrect-battery-staple-42"; // secrets-guard:allow demo value written to the local demo file under target/
  private static final long PACE_MILLIS = 100;

  private final Path file;
  private final PrintStream out;
  private final DbFunction function = new DbFunction();
  private final long startNanos = System.nanoTime();
  // one thread runs the demo; atomics so the counters stay right if a listener or check reads them
  private final AtomicInteger invocations = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();

  private DemoRunner(Path file, PrintStream out) {
    this.file = file;
    this.out = out;
  }

  /** What a run amounted to, for tests. */
  public record Summary(int invocations, int failures, CacheStats stats, boolean rotationSeen,
      boolean staleServed, boolean recovered) {}

  /**
   * {@code args[0]}: the directory for the demo file (default {@code target/local-demo}); with
   * {@code --db} anywhere in the arguments, the database run ({@link DbDemo}) instead.
   */
  public static void main(String[] args) throws Exception {
    if (java.util.Arrays.asList(args).contains("--db")) {
      DbDemo.main(java.util.Arrays.stream(args).filter(a -> !a.equals("--db")).toArray(String[]::new));
      return;
    }
    Path dir = Path.of(args.length > 0 ? args[0] : "target/local-demo");
    Summary s = run(dir, System.out);
    if (s.failures() > 0 || !s.rotationSeen() || !s.staleServed() || !s.recovered()) {
      System.exit(1);
    }
  }

  /** Runs the whole demo against a fresh demo file in {@code dir}, printing to {@code out}. */
  public static Summary run(Path dir, PrintStream out) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path file = dir.toAbsolutePath().resolve("dev-secrets.json");
    Map<String, String> props = new LinkedHashMap<>();
    props.put("secrets.provider", "local://" + file.toUri().getPath());
    props.put("secrets.env", "dev");
    props.put("secrets.cache.refresh-after", "1s");
    Map<String, String> previous = new LinkedHashMap<>();
    props.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
    SecretsClient before = Secrets.install(null); // build the default lazily, from the properties above
    try {
      return new DemoRunner(file, out).demo(props);
    } finally {
      SecretsClient mine = Secrets.install(before);
      if (mine != null) {
        mine.close();
      }
      previous.forEach((k, v) -> {
        if (v == null) {
          System.clearProperty(k);
        } else {
          System.setProperty(k, v);
        }
      });
    }
  }

  private Summary demo(Map<String, String> props) throws IOException, InterruptedException {
    writeAtomically(entry(FIRST_PASSWORD, 1));
    out.println("Secrets Broker local demo: a function reading Secrets.get(\"db\") on every invocation");
    out.println("  secrets file : " + file + "  (dev/db = ****, version 1)");
    props.forEach((k, v) -> out.println("  " + k + "=" + v));
    out.println();

    out.println("1. Cold start: the first invocation loads \"db\" (\"dev/db\" in the file, from secrets.env=dev)");
    invoke("cold load");
    out.println();

    out.println("2. Warm invocations are served from the in-process cache");
    for (int i = 0; i < 5; i++) {
      invoke("cache hit");
    }
    CacheStats s = Secrets.client().stats();
    out.printf(Locale.ROOT, "   so far: %d hits, %d misses, %d provider loads%n%n", s.hits(), s.misses(), s.loads());

    out.println("3. Rotation: the file is rewritten with a new password (version 2) while traffic continues");
    CountDownLatch rotated = new CountDownLatch(1);
    Secrets.client().onRotate("db", v -> {
      out.printf(Locale.ROOT, "   onRotate listener: \"%s\" has a new version %s, seen by a background refresh%n",
          v.name(), v.versionId());
      newVersion = v.versionId();
      rotated.countDown();
    });
    writeAtomically(entry(SECOND_PASSWORD, 2));
    out.println("   (file rewritten: dev/db = ****, version 2)");
    int failedBefore = failures.get();
    boolean rotationSeen = invokeUntil(() -> rotated.getCount() == 0 && lastVersion.equals(newVersion), 30);
    out.printf(Locale.ROOT, "   rotation %s without a restart; %d failed invocations during it%n%n",
        rotationSeen ? "picked up" : "NOT picked up", failures.get() - failedBefore);

    out.println("4. Outage: the secrets file is corrupted (as if a bad deploy broke the store)");
    Files.writeString(file, "{ \"dev/db\": ", StandardCharsets.UTF_8);
    out.println("   (file now holds malformed JSON; every provider read fails)");
    failedBefore = failures.get();
    long staleBefore = Secrets.client().stats().staleServed();
    boolean staleServed = invokeUntil(() -> Secrets.client().stats().staleServed() >= staleBefore + 5, 60);
    s = Secrets.client().stats();
    out.printf(Locale.ROOT, "   background refresh failed (%d load failures); the last good version was served"
        + " from cache %d times; %d failed invocations%n%n", s.loadFailures(), s.staleServed() - staleBefore,
        failures.get() - failedBefore);

    out.println("5. Recovery: the file is repaired; the next background refresh succeeds");
    long loadsBefore = Secrets.client().stats().loads();
    writeAtomically(entry(SECOND_PASSWORD, 2));
    boolean recovered = invokeUntil(() -> Secrets.client().stats().loads() > loadsBefore, 40);
    out.printf(Locale.ROOT, "   %s%n%n", recovered ? "fresh values again" : "NOT recovered");

    s = Secrets.client().stats();
    out.println("6. Final stats()");
    out.printf(Locale.ROOT, "   hits=%d misses=%d loads=%d loadFailures=%d staleServed=%d rotations=%d%n", s.hits(),
        s.misses(), s.loads(), s.loadFailures(), s.staleServed(), s.rotations());
    out.printf(Locale.ROOT, "Done in %.1f s: %d invocations, %d failed.%n", seconds(), invocations.get(),
        failures.get());
    return new Summary(invocations.get(), failures.get(), s, rotationSeen, staleServed, recovered);
  }

  private String lastVersion = "";
  private volatile String newVersion;

  /** Invokes the handler every 100 ms until {@code done} holds or {@code max} invocations were made. */
  private boolean invokeUntil(BooleanSupplier done, int max) throws InterruptedException {
    for (int i = 0; i < max; i++) {
      TimeUnit.MILLISECONDS.sleep(PACE_MILLIS);
      invoke(null);
      if (done.getAsBoolean()) {
        return true;
      }
    }
    return done.getAsBoolean();
  }

  private void invoke(String note) {
    int n = invocations.incrementAndGet();
    long t0 = System.nanoTime();
    try {
      DbFunction.Response r = function.handle("req-" + n);
      double ms = (System.nanoTime() - t0) / 1e6;
      String version = String.valueOf(r.passwordVersion());
      String change = lastVersion.isEmpty() || lastVersion.equals(version) ? "" : "  <- new password in use";
      lastVersion = version;
      out.printf(Locale.ROOT, "   %5.1fs  %-7s ok  password=**** version=%s  %8.3f ms%s%s%n", seconds(),
          r.requestId(), version, ms, note == null ? "" : "  (" + note + ")", change);
    } catch (SecretsException e) {
      failures.incrementAndGet();
      out.printf(Locale.ROOT, "   %5.1fs  req-%-3d FAILED  %s%n", seconds(), n, e.getMessage());
    }
  }

  private double seconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static String entry(String password, int version) {
    return "{\n  \"dev/db\": {\"value\": \"" + password + "\", \"version\": " + version + "}\n}\n";
  }

  /** Writes the whole file under a temporary name and renames it, as an editor or deploy tool would. */
  private void writeAtomically(String json) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, json, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
