package io.secretsbroker.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secretsbroker.Rotation;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak: 4 clients rotating one {@code local://} secret, two of them in other processes, each
 * {@code soak.rotations} times (25 by default; {@code -Dsoak.rotations=200} for the figures in
 * {@code docs/benchmarks.md}). Every successful rotation reports the version it promoted and the
 * version it replaced; at the end the successes must form one chain ending in the current version
 * (each one current or superseded by a later success, no two promoted from the same base: no lost
 * update), and the file must parse with no pending candidate left.
 *
 * <pre>./mvnw -B -o -pl local-provider -am verify -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest=RotationSoakTest -Dsoak.rotations=200</pre>
 */
class RotationSoakTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String GO = "GO";

  @TempDir Path dir;

  /** One successful rotation: the version it promoted and the one it replaced. */
  record Success(String client, String version, String previous) {}

  @Test
  void fourClientsTwoInOtherProcesses_everySuccessCurrentOrSuperseded_noLostUpdate() throws Exception {
    int rounds = Integer.getInteger("soak.rotations", 25);
    Path file = dir.resolve("dev-secrets.json");
    Files.writeString(file, "{\"soak\": {\"value\": \"soak-start-value\", \"version\": \"v0\"}}\n");
    List<Process> children = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      children.add(new ProcessBuilder(LocalRotationTest.javaBinary(), "-cp", LocalRotationTest.testClassPath(),
          Worker.class.getName(), file.toString(), "child-" + i, Integer.toString(rounds))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }
    List<CompletableFuture<List<String>>> childLines = new ArrayList<>();
    for (Process p : children) {
      childLines.add(CompletableFuture.supplyAsync(() -> readAll(p)));
    }
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<List<String>>> local = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String id = "local-" + i;
      local.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
          return Worker.rotate(file, id, rounds);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    long start = System.nanoTime();
    for (Process p : children) {
      OutputStream in = p.getOutputStream();
      in.write((GO + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    }
    go.countDown();
    List<String> lines = new ArrayList<>();
    for (CompletableFuture<List<String>> f : local) {
      lines.addAll(f.get(10, TimeUnit.MINUTES));
    }
    for (CompletableFuture<List<String>> f : childLines) {
      lines.addAll(f.get(10, TimeUnit.MINUTES));
    }
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    for (Process p : children) {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    }

    List<Success> ok = new ArrayList<>();
    int conflicts = 0;
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f[0].equals("OK")) {
        ok.add(new Success(f[1], f[2], f[3]));
      } else if (f[0].equals("CONFLICT")) {
        conflicts++;
      }
    }
    assertThat(ok.size() + conflicts).as("every attempt accounted for").isEqualTo(4 * rounds);
    JsonNode root = JSON.readTree(file.toFile()); // parses: not corrupt
    assertThat(root.has("$pending:soak")).as("no pending candidate left").isFalse();
    String current = root.get("soak").get("version").asText();
    Set<String> bases = new HashSet<>();
    Map<String, Success> byVersion = new HashMap<>();
    for (Success s : ok) {
      assertThat(bases.add(s.previous())).as("two successes promoted from base %s: a lost update", s.previous())
          .isTrue();
      byVersion.put(s.version(), s);
    }
    for (Success s : ok) {
      assertThat(s.version().equals(current) || bases.contains(s.version()))
          .as("success %s is current or superseded", s.version()).isTrue();
    }
    // the chain from v0 reaches the current version through every success
    String at = "v0";
    int steps = 0;
    Map<String, Success> byBase = new HashMap<>();
    ok.forEach(s -> byBase.put(s.previous(), s));
    while (byBase.containsKey(at)) {
      at = byBase.get(at).version();
      steps++;
    }
    assertThat(steps).isEqualTo(ok.size());
    assertThat(at).isEqualTo(current);
    assertThat(byVersion).containsKey(current);
    System.out.printf("soak local:// 4 clients (2 in other processes) x %d rotations: %d promoted, %d conflicts,"
        + " %d ms, %.1f promoted/s%n", rounds, ok.size(), conflicts, tookMs, ok.size() * 1000.0 / tookMs);
  }

  private static List<String> readAll(Process p) {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("OK ") || line.startsWith("CONFLICT ")) {
          out.add(line);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  /** One soak client: in this JVM ({@link #rotate}) or as a child process ({@link #main}). */
  public static final class Worker {
    public static void main(String[] args) throws Exception {
      PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (!GO.equals(in.readLine())) {
        System.exit(2);
      }
      for (String line : rotate(Path.of(args[0]), args[1], Integer.parseInt(args[2]))) {
        out.println(line);
      }
    }

    /** Rotates {@code soak} {@code rounds} times; one line per attempt, version ids only (no values). */
    static List<String> rotate(Path file, String id, int rounds) {
      List<String> lines = new ArrayList<>();
      try (SecretsClient c = SecretsClient.builder().ambientConfiguration(false)
          .properties(Map.of("secrets.provider", "local://" + file.toUri().getPath())).build()) {
        for (int i = 0; i < rounds; i++) {
          c.refresh("soak");
          String before = c.value("soak").versionId();
          try {
            SecretValue v = c.rotate("soak", Rotation.builder().onPending(Rotation.Pending.DISCARD).build());
            lines.add("OK " + id + " " + v.versionId() + " " + previousOf(c, v, before));
          } catch (RotationConflictException lost) {
            lines.add("CONFLICT " + id);
          }
        }
      }
      return lines;
    }

    /** The version the promoted one replaced: the local provider reports it as metadata of the promoted version. */
    private static String previousOf(SecretsClient c, SecretValue promoted, String fallback) {
      return promoted.metadata().getOrDefault("previousVersion", fallback);
    }
  }
}
