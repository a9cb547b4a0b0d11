package io.secretsbroker.guard.scan;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Measures scan throughput on one core over a generated tree of realistic Java and configuration
 * files (about 5% of them holding a secret). Run after {@code ./mvnw -B -o -pl guard -am verify}:
 * <pre>
 * java -XX:ActiveProcessorCount=1 -cp guard/target/secretsbroker-guard.jar:guard/target/test-classes \
 *   io.secretsbroker.guard.scan.ScanThroughput [MB|DIR] [rounds]
 * </pre>
 * With a directory instead of a size it scans that tree (say {@code .}, this repository, whose
 * Java sources mention secrets everywhere) without generating anything.
 * Prints MB/s per round (the first rounds warm the JIT) and the best and median of the rest, by
 * wall-clock time and, because the build machine's cores are shared, by the scanning thread's own
 * CPU time (which excludes time the thread spent waiting for a core).
 */
public final class ScanThroughput {
  private ScanThroughput() {}

  public static void main(String[] args) throws IOException {
    String what = args.length > 0 ? args[0] : "40";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    Path root;
    long bytes;
    Scanner scanner;
    if (what.chars().allMatch(Character::isDigit)) {
      root = Files.createTempDirectory("guard-bench");
      bytes = generate(root, Integer.parseInt(what) * 1_000_000L);
      scanner = Scanner.create(List.of(), null);
    } else {
      root = Path.of(what); // an existing tree, e.g. this repository, scanned like its self-scan
      scanner = Scanner.create(List.of("guard/src/test/resources/corpus/**"), null);
      bytes = scanner.scan(List.of(root)).bytes();
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] rates = new double[rounds];
    double[] cpuRates = new double[rounds];
    int findings = 0;
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      long c0 = threads.getCurrentThreadCpuTime();
      Scanner.ScanResult r = scanner.scan(List.of(root));
      double secs = (System.nanoTime() - t0) / 1e9;
      double cpuSecs = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
      rates[i] = r.bytes() / 1e6 / secs;
      cpuRates[i] = r.bytes() / 1e6 / cpuSecs;
      findings = r.findings().size();
      System.out.printf("round %d: %d files, %.1f MB in %.2f s = %.1f MB/s (%.1f MB per CPU-second of the scanning"
          + " thread), %d findings%n", i + 1, r.files(), r.bytes() / 1e6, secs, rates[i], cpuRates[i], findings);
    }
    System.out.printf("tree: %.1f MB; after warm-up: median %.1f MB/s, best %.1f MB/s; per CPU-second: median %.1f%n",
        bytes / 1e6, median(rates), best(rates), median(cpuRates));
  }

  private static double[] afterWarmUp(double[] rates) {
    double[] measured = Arrays.copyOfRange(rates, Math.min(2, rates.length - 1), rates.length);
    Arrays.sort(measured);
    return measured;
  }

  private static double median(double[] rates) {
    double[] m = afterWarmUp(rates);
    return m[m.length / 2];
  }

  private static double best(double[] rates) {
    double[] m = afterWarmUp(rates);
    return m[m.length - 1];
  }

  /** Writes Java classes, properties, YAML, JSON and Dockerfiles until {@code target} bytes. */
  static long generate(Path root, long target) throws IOException {
    Random r = new Random(42);
    long written = 0;
    int n = 0;
    while (written < target) {
      Path dir = Files.createDirectories(root.resolve("module" + (n / 200)).resolve("src/main/java/com/acme/p" + (n % 17)));
      String text;
      String name;
      switch (n % 10) {
        case 0 -> { name = "application" + n + ".properties"; text = properties(r, n); }
        case 1 -> { name = "deploy" + n + ".yaml"; text = yaml(r, n); }
        case 2 -> { name = "config" + n + ".json"; text = json(r, n); }
        default -> { name = "Service" + n + ".java"; text = java(r, n); }
      }
      Files.writeString(dir.resolve(name), text);
      written += text.length();
      n++;
    }
    return written;
  }

  private static String java(Random r, int n) {
    StringBuilder sb = new StringBuilder("package com.acme.p" + (n % 17) + ";\n\nimport java.util.*;\nimport java.time.Duration;\n\n");
    sb.append("/** Handles orders for tenant ").append(n).append(". */\npublic class Service").append(n).append(" {\n");
    sb.append("  private static final String TABLE = \"orders_").append(n).append("\";\n");
    sb.append("  private static final Duration TIMEOUT = Duration.ofSeconds(").append(r.nextInt(30)).append(");\n");
    sb.append("  private final Map<String, Integer> cache = new HashMap<>();\n\n");
    for (int m = 0; m < 12; m++) {
      sb.append("  public int compute").append(m).append("(List<String> items, String key) {\n");
      sb.append("    int total = 0;\n    for (String item : items) {\n");
      sb.append("      if (item.startsWith(\"sku-").append(r.nextInt(1000)).append("\")) {\n");
      sb.append("        total += cache.getOrDefault(key + item, ").append(r.nextInt(100)).append(");\n");
      sb.append("      }\n    }\n    log(\"computed {} for {}\", total, key);\n    return total;\n  }\n\n");
    }
    if (n % 20 == 3) {
      sb.append("  private static final String API_TOKEN = \"").append(CorpusTokens.token("pw", n)).append("\";\n");
    }
    sb.append("  private void log(String fmt, Object... args) { System.out.println(String.format(fmt, args)); }\n}\n");
    return sb.toString();
  }

  private static String properties(Random r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      sb.append("app.module").append(i).append(".timeout=").append(r.nextInt(5000)).append('\n');
      sb.append("app.module").append(i).append(".url=https://svc").append(i).append(".internal/api\n");
    }
    sb.append("spring.datasource.password=${DB_PASSWORD}\n");
    return sb.toString();
  }

  private static String yaml(Random r, int n) {
    StringBuilder sb = new StringBuilder("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders-" + n + "\nspec:\n  template:\n    spec:\n      containers:\n");
    for (int c = 0; c < 8; c++) {
      sb.append("        - name: c").append(c).append("\n          image: registry.internal/orders:1.").append(r.nextInt(50))
          .append("\n          env:\n            - name: LOG_LEVEL\n              value: info\n")
          .append("            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db\n                  key: password\n");
    }
    return sb.toString();
  }

  private static String json(Random r, int n) {
    StringBuilder sb = new StringBuilder("{\n  \"name\": \"orders-").append(n).append("\",\n  \"dependencies\": {\n");
    for (int i = 0; i < 60; i++) {
      sb.append("    \"lib-").append(i).append("\": { \"version\": \"1.").append(r.nextInt(20)).append(".0\", \"integrity\": \"sha512-")
          .append(CorpusTokens.token("b64", n * 100L + i)).append("\" },\n");
    }
    sb.append("    \"last\": {}\n  }\n}\n");
    return sb.toString();
  }
}
