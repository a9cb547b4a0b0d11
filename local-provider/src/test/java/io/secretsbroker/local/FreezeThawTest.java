package io.secretsbroker.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Freeze and thaw for real, as Lambda does it between invocations: a child JVM runs a client on
 * {@code local://} (refresh-after 1 s, max-stale 3 s) and reads once every 100 ms, reporting each
 * read. The parent stops it with {@code SIGSTOP} while a background refresh is inside the provider
 * call, continues it with {@code SIGCONT} after longer than refresh-after, then stops it again for
 * longer than max-stale. No read may fail, and none may return a value older than max-stale: after
 * the long freeze the stuck refresh is still stuck, so the client must notice on its own that the
 * cached value has run out and load again. The parent sleeps only for the freezes; everything else
 * waits for the child's lines.
 */
class FreezeThawTest {
  private static final long MAX_STALE_MS = 3_000;
  /** Read-to-report latency allowance (the age is measured a few microseconds after the read). */
  private static final long SLACK_MS = 250;

  @TempDir Path dir;

  private static String killBinary() {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      Path p = Path.of(d, "kill");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static void signal(String kill, String sig, Process p) throws Exception {
    Process k = new ProcessBuilder(kill, "-" + sig, Long.toString(p.pid())).redirectErrorStream(true).start();
    assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(k.exitValue()).as("kill -%s", sig).isZero();
  }

  private static Path writeVersion(Path file, String version) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, "{\"db\": {\"value\": \"dev-freeze-value\", \"version\": \"" + version + "\"}}");
    return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** One report line of the child: {@code READ <fileVersion> <ageMillis>} or {@code FAIL <type>}. */
  private record Read(String line, String version, long ageMs) {
    static Read parse(String line) {
      String[] p = line.split(" ");
      return p[0].equals("READ") ? new Read(line, p[1], Long.parseLong(p[2])) : new Read(line, null, -1);
    }
  }

  private static Read nextRead(BufferedReader out, List<String> all) throws Exception {
    for (;;) {
      String line = out.readLine();
      assertThat(line).as("child exited early; its lines: %s", all).isNotNull();
      all.add(line);
      if (line.startsWith("READ") || line.startsWith("FAIL")) {
        return Read.parse(line);
      }
    }
  }

  private static void awaitLine(BufferedReader out, String wanted, List<String> all) throws Exception {
    for (;;) {
      String line = out.readLine();
      assertThat(line).as("child exited before %s; its lines: %s", wanted, all).isNotNull();
      all.add(line);
      if (line.equals(wanted)) {
        return;
      }
    }
  }

  @Test
  @Timeout(120)
  void stoppedDuringRefresh_neverFailsNorServesPastMaxStale() throws Exception {
    String kill = killBinary();
    assumeTrue(kill != null, "no kill binary on PATH: cannot send SIGSTOP/SIGCONT here");
    assumeTrue(!System.getProperty("os.name").toLowerCase().contains("win"), "SIGSTOP needs a POSIX system");
    Path file = writeVersion(dir.resolve("dev-secrets.json"), "v1");
    Process child = new ProcessBuilder(LocalRotationTest.javaBinary(), "-cp", LocalRotationTest.testClassPath(),
        Child.class.getName(), file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<String> all = new ArrayList<>();
    List<Read> reads = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        Writer in = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
      Read first = nextRead(out, all);
      assertThat(first.version()).isEqualTo("v1");
      writeVersion(file, "v2");
      in.write("hold\n");
      in.flush();
      awaitLine(out, "FETCHING", all); // the background refresh is inside the provider call now

      signal(kill, "STOP", child);
      Thread.sleep(1_500); // the freeze: longer than refresh-after
      signal(kill, "CONT", child);
      for (int i = 0; i < 5; i++) {
        reads.add(nextRead(out, all));
      }

      signal(kill, "STOP", child);
      Thread.sleep(MAX_STALE_MS + 1_000); // the freeze: longer than max-stale
      signal(kill, "CONT", child);
      Read afterLongFreeze = nextRead(out, all);
      reads.add(afterLongFreeze);
      for (int i = 0; i < 5; i++) {
        reads.add(nextRead(out, all));
      }
      assertThat(afterLongFreeze.version()).as("the first read after the long freeze loads the current version")
          .isEqualTo("v2");

      in.write("go\n"); // the stuck refresh completes now; it must not replace the newer entry
      in.flush();
      awaitLine(out, "RELEASED", all);
      for (int i = 0; i < 5; i++) {
        reads.add(nextRead(out, all));
      }
      in.write("quit\n");
      in.flush();
      awaitLine(out, "BYE", all);
    } finally {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
    List<Read> everyRead = all.stream().filter(l -> l.startsWith("READ") || l.startsWith("FAIL")).map(Read::parse)
        .toList();
    assertThat(everyRead).hasSizeGreaterThanOrEqualTo(reads.size() + 1);
    assertThat(everyRead).as("every read the child made; child lines: %s", all)
        .allSatisfy(r -> {
          assertThat(r.version()).as(r.line()).isNotNull();
          assertThat(r.ageMs()).as(r.line()).isLessThanOrEqualTo(MAX_STALE_MS + SLACK_MS);
        });
    assertThat(reads.get(reads.size() - 1).version()).isEqualTo("v2");
  }

  /**
   * The child: a client on {@code local://} behind a provider wrapper that tags each fetch with a
   * sequence number (so a read knows exactly which fetch its value came from, and so its age) and,
   * after {@code hold}, blocks the next fetch (printing {@code FETCHING}) until {@code go}.
   */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
      SecretProvider local = new LocalFileProviderFactory().create(ProviderUri.parse("local://" + args[0]));
      Map<Long, Long> fetchedAt = new ConcurrentHashMap<>();
      AtomicLong seq = new AtomicLong();
      AtomicBoolean hold = new AtomicBoolean();
      CountDownLatch go = new CountDownLatch(1);
      AtomicBoolean quit = new AtomicBoolean();
      SecretProvider tagged = new SecretProvider() {
        @Override
        public String id() {
          return "tagged-" + local.id();
        }

        @Override
        public SecretRecord fetch(String name) {
          if (hold.compareAndSet(true, false)) {
            out.println("FETCHING");
            try {
              go.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          SecretRecord r = local.fetch(name);
          long n = seq.incrementAndGet();
          fetchedAt.put(n, System.nanoTime());
          return new SecretRecord(r.name(), r.versionId() + "#" + n, r.value(), r.createdOn(), r.expiresOn(),
              r.metadata());
        }

        @Override
        public void close() {
          local.close();
        }
      };
      Thread commands = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            switch (line) {
              case "hold" -> hold.set(true);
              case "go" -> {
                go.countDown();
                out.println("RELEASED");
              }
              case "quit" -> quit.set(true);
              default -> out.println("UNKNOWN " + line);
            }
          }
        } catch (java.io.IOException e) {
          quit.set(true);
        }
      }, "commands");
      commands.setDaemon(true);
      commands.start();
      try (SecretsClient client = SecretsClient.builder().provider(tagged).ambientConfiguration(false)
          .properties(Map.of("secrets.cache.refresh-after", "PT1S", "secrets.cache.max-stale", "PT3S",
              "secrets.audit", "off"))
          .build()) {
        while (!quit.get()) {
          try {
            SecretValue v = client.value("db");
            String[] id = v.versionId().split("#");
            long age = Duration.ofNanos(System.nanoTime() - fetchedAt.get(Long.parseLong(id[1]))).toMillis();
            out.println("READ " + id[0] + " " + age);
          } catch (RuntimeException e) {
            out.println("FAIL " + e.getClass().getSimpleName());
          }
          Thread.sleep(100); // the function's next invocation
        }
      }
      out.println("BYE");
      System.exit(0);
    }
  }
}
