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
 * mode ({@code bare}, {@code provider}, {@code client}, interleaved, the first mode of each round
 * rotating), each against a loopback
 * WireMock answering {@code GetSecretValue}, and reports wall time from process start to the
 * probe's line on stdout, and the JVM's own uptime at that point. Run it as a program (see
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

  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    String runtimeClasspath = Files.readString(Path.of(args[1])).trim();
    String classpath = Path.of("target/classes").toAbsolutePath() + File.pathSeparator + runtimeClasspath;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    try {
      server.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
          .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1").withBody(BODY)));
      String endpoint = "http://127.0.0.1:" + server.port();
      List<String> modes = List.of("bare", "provider", "client");
      Map<String, List<Double>> wall = new LinkedHashMap<>();
      Map<String, List<Double>> uptime = new LinkedHashMap<>();
      modes.forEach(m -> {
        wall.put(m, new ArrayList<>());
        uptime.put(m, new ArrayList<>());
      });
      for (String mode : modes) {
        run(java, classpath, mode, endpoint); // warm the OS file cache; not counted
      }
      for (int i = 0; i < runs; i++) {
        // rotate which mode goes first in each round, so no mode always runs right after another
        for (int k = 0; k < modes.size(); k++) {
          String mode = modes.get((i + k) % modes.size());
          double[] r = run(java, classpath, mode, endpoint);
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
    } finally {
      server.stop();
    }
  }

  /** One fresh JVM: {wall ms to the probe's line, JVM uptime ms it reported}. */
  private static double[] run(String java, String classpath, String mode, String endpoint) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", classpath,
        "-Daws.region=us-east-1", "-Dsecrets.provider=aws://?region=us-east-1&endpoint=" + endpoint,
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        ColdStartProbe.class.getName(), mode, endpoint);
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
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || line == null || !line.startsWith(mode + " ")) {
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
