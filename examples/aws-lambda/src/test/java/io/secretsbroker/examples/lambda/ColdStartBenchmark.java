package io.secretsbroker.examples.lambda;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Time to the first secret in a fresh JVM: starts {@link ColdStartProbe} {@code runs} times per
 * mode ({@code bare}, {@code aws-caching} ({@link CachingClientProbe}), {@code provider},
 * {@code client}, or the comma-separated modes in the third argument; interleaved, the first mode
 * of each round rotating), each against a loopback
 * WireMock answering {@code GetSecretValue}, and reports wall time from process start to the
 * probe's line on stdout, and the JVM's own uptime at that point; then one more run per mode with
 * {@code -Xlog:class+load} counts the classes each loaded, in total and for the libraries the
 * client adds. Run it as a program (see
 * {@code docs/benchmarks.md} for the commands):
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/test.classpath) \
 *   io.secretsbroker.examples.lambda.ColdStartBenchmark 15 target/runtime.classpath
 * </pre>
 *
 * The probe runs on {@code target/classes} plus the runtime classpath only. Not a test: it spawns
 * dozens of JVMs. Loopback only.
 */
public final class ColdStartBenchmark {
  private static final String BODY = "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf\","
      + "\"Name\":\"db\",\"VersionId\":\"a1b2c3d4-0000-1111-2222-333344445555\","
      + "\"SecretString\":\"{\\\"username\\\":\\\"app\\\",\\\"password\\\":\\\"cold-start-test-only\\\"}\","
      + "\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7354e9}";

  private ColdStartBenchmark() {}

  /** Class-name prefixes counted apart in the class-load run. */
  private static final Map<String, String> GROUPS = groups();

  private static Map<String, String> groups() {
    Map<String, String> g = new LinkedHashMap<>();
    g.put("caffeine", "com.github.benmanes.caffeine.");
    g.put("resilience4j", "io.github.resilience4j.");
    g.put("jackson", "com.fasterxml.jackson.");
    g.put("guard rules", "io.secretsbroker.guard.");
    g.put("secretsbroker (other)", "io.secretsbroker.");
    g.put("aws caching client", "com.amazonaws.secretsmanager.caching.");
    return g;
  }

  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    String runtimeClasspath = Files.readString(Path.of(args[1])).trim();
    String classpath = Path.of("target/classes").toAbsolutePath() + File.pathSeparator + runtimeClasspath;
    // the caching client's mode: the same runtime classpath plus the probe and the caching client's jar
    String cachingJar = java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> e.contains("aws-secretsmanager-caching-java")).findFirst().orElse(null);
    String cachingClasspath = Path.of("target/test-classes").toAbsolutePath() + File.pathSeparator + classpath
        + (cachingJar == null ? "" : File.pathSeparator + cachingJar);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    try {
      server.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
          .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1").withBody(BODY)));
      // the caching client asks for the version stages first
      server.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.DescribeSecret"))
          .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1").withBody(DESCRIBE)));
      String endpoint = "http://127.0.0.1:" + server.port();
      List<String> modes = args.length > 2 ? List.of(args[2].split(","))
          : List.of("bare", "aws-caching", "provider", "client");
      if (modes.contains("aws-caching") && cachingJar == null) {
        throw new IllegalStateException("aws-caching mode: aws-secretsmanager-caching-java is not on this harness's"
            + " classpath; run it with target/test.classpath (see docs/benchmarks.md)");
      }
      Map<String, List<Double>> wall = new LinkedHashMap<>();
      Map<String, List<Double>> uptime = new LinkedHashMap<>();
      modes.forEach(m -> {
        wall.put(m, new ArrayList<>());
        uptime.put(m, new ArrayList<>());
      });
      for (String mode : modes) {
        run(java, cp(mode, classpath, cachingClasspath), mode, endpoint, null); // warm the OS file cache; not counted
      }
      for (int i = 0; i < runs; i++) {
        // rotate which mode goes first in each round, so no mode always runs right after another
        for (int k = 0; k < modes.size(); k++) {
          String mode = modes.get((i + k) % modes.size());
          double[] r = run(java, cp(mode, classpath, cachingClasspath), mode, endpoint, null);
          wall.get(mode).add(r[0]);
          uptime.get(mode).add(r[1]);
        }
      }
      System.out.println("| mode | runs | wall median ms | wall min ms | wall p90 ms | JVM uptime median ms |");
      System.out.println("| --- | --- | --- | --- | --- | --- |");
      double bare = median(wall.get("bare"));
      for (String mode : modes) {
        System.out.printf("| %s | %d | %.0f (%.2fx bare) | %.0f | %.0f | %.0f |%n", mode, runs,
            median(wall.get(mode)), median(wall.get(mode)) / bare, min(wall.get(mode)),
            percentile(wall.get(mode), 0.9), median(uptime.get(mode)));
      }
      System.out.println();
      System.out.println("| mode | classes loaded | " + String.join(" | ", GROUPS.keySet()) + " |");
      System.out.println("| --- | --- |" + " --- |".repeat(GROUPS.size()));
      for (String mode : modes) {
        Path log = Files.createTempFile("classload-" + mode, ".txt");
        try {
          run(java, cp(mode, classpath, cachingClasspath), mode, endpoint, log);
          Map<String, Integer> counts = countClasses(log);
          StringBuilder row = new StringBuilder("| " + mode + " | " + counts.get("total") + " |");
          GROUPS.keySet().forEach(g -> row.append(' ').append(counts.get(g)).append(" |"));
          System.out.println(row);
        } finally {
          Files.deleteIfExists(log);
        }
      }
    } finally {
      server.stop();
    }
  }

  private static final String DESCRIBE = "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf\","
      + "\"Name\":\"db\",\"VersionIdsToStages\":{\"a1b2c3d4-0000-1111-2222-333344445555\":[\"AWSCURRENT\"]}}";

  private static String cp(String mode, String classpath, String cachingClasspath) {
    return mode.equals("aws-caching") ? cachingClasspath : classpath;
  }

  /** Total classes in a {@code -Xlog:class+load} file, and per {@link #GROUPS} prefix (first match wins). */
  static Map<String, Integer> countClasses(Path log) throws java.io.IOException {
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("total", 0);
    GROUPS.keySet().forEach(g -> counts.put(g, 0));
    for (String line : Files.readAllLines(log)) {
      int at = line.indexOf("] ");
      if (at < 0 || !line.contains("class,load")) {
        continue;
      }
      String name = line.substring(at + 2).split(" ", 2)[0];
      counts.merge("total", 1, Integer::sum);
      for (Map.Entry<String, String> g : GROUPS.entrySet()) {
        if (name.startsWith(g.getValue())) {
          counts.merge(g.getKey(), 1, Integer::sum);
          break;
        }
      }
    }
    return counts;
  }

  /** One fresh JVM: {wall ms to the probe's line, JVM uptime ms it reported}; class loads logged to {@code log} if given. */
  private static double[] run(String java, String classpath, String mode, String endpoint, Path log)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(java, "-cp", classpath));
    if (log != null) {
      command.add("-Xlog:class+load:file=" + log);
    }
    command.addAll(List.of("-Daws.region=us-east-1", "-Dsecrets.provider=aws://?region=us-east-1&endpoint=" + endpoint,
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    if (mode.equals("aws-caching")) {
      command.addAll(List.of(CachingClientProbe.class.getName(), endpoint));
    } else {
      command.addAll(List.of(ColdStartProbe.class.getName(), mode, endpoint));
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    // test-only credentials in the environment, where Lambda puts the execution role's (the runtime
    // guard allows those names); as system properties the guard would report them in client mode only
    pb.environment().put("AWS_ACCESS_KEY_ID", "AKIDTESTONLY");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "test-only-secret-key");
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    long start = System.nanoTime();
    Process p = pb.start();
    String line;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      line = out.readLine();
    }
    double wallMs = (System.nanoTime() - start) / 1e6;
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || line == null || !line.startsWith(mode + " read ")) {
      p.destroyForcibly();
      throw new IllegalStateException("probe " + mode + " failed: exit " + (p.isAlive() ? "timeout" : p.exitValue())
          + ", output " + line);
    }
    String[] parts = line.split(" ");
    return new double[] {wallMs, Double.parseDouble(parts[2])};
  }

  private static double median(List<Double> xs) {
    return percentile(xs, 0.5);
  }

  private static double min(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  private static double percentile(List<Double> xs, double q) {
    List<Double> sorted = xs.stream().sorted().toList();
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
