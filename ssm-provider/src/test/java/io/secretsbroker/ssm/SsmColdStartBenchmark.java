package io.secretsbroker.ssm;

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
 * Time to the first secret in a fresh JVM for {@code ssm://}, with the same method as the AWS
 * example's {@code ColdStartBenchmark}: starts {@link SsmColdStartProbe} {@code runs} times per mode
 * ({@code bare}, {@code provider}, {@code client}, interleaved, the first mode of each round
 * rotating, one unmeasured warm-up per mode) against a loopback WireMock answering
 * {@code AmazonSSM.GetParameter} in AWS JSON 1.1, and reports wall time from
 * {@code ProcessBuilder.start()} to the probe's line and the child's own JVM uptime. Not a test
 * (it spawns dozens of JVMs); run it as a program, from {@code ssm-provider/}:
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/test.classpath) \
 *   io.secretsbroker.ssm.SsmColdStartBenchmark 10 target/runtime.classpath
 * </pre>
 *
 * The probe runs on {@code target/test-classes} (for the probe class alone), {@code target/classes}
 * and the runtime classpath. With a third argument, the runtime classpath file of
 * {@code examples/aws-lambda} (whose {@code target/classes} sits beside it), a fourth mode
 * {@code aws-client} runs that example's {@code ColdStartProbe client} against a
 * {@code GetSecretValue} stub on the same server, interleaved with the others: AWS Secrets Manager
 * and Parameter Store side by side in one run. Loopback only.
 */
public final class SsmColdStartBenchmark {
  private static final String AWS_BODY = "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf\","
      + "\"Name\":\"db\",\"VersionId\":\"a1b2c3d4-0000-1111-2222-333344445555\","
      + "\"SecretString\":\"{\\\"username\\\":\\\"app\\\",\\\"password\\\":\\\"cold-start-test-only\\\"}\"," // secrets-guard:allow benchmark fixture
      + "\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7354e9}";
  private static final String BODY = "{\"Parameter\":{\"Name\":\"db\",\"Type\":\"SecureString\","
      + "\"Value\":\"{\\\"username\\\":\\\"app\\\",\\\"password\\\":\\\"cold-start-test-only\\\"}\"," // secrets-guard:allow benchmark fixture
      + "\"Version\":3,\"LastModifiedDate\":1.7354e9,"
      + "\"ARN\":\"arn:aws:ssm:us-east-1:123456789012:parameter/db\",\"DataType\":\"text\"}}";

  private SsmColdStartBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    String runtimeClasspath = Files.readString(Path.of(args[1])).trim();
    String classpath = Path.of("target/test-classes").toAbsolutePath() + File.pathSeparator
        + Path.of("target/classes").toAbsolutePath() + File.pathSeparator + runtimeClasspath;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String awsClasspath = null;
    if (args.length > 2) {
      Path awsRuntime = Path.of(args[2]).toAbsolutePath();
      awsClasspath = awsRuntime.getParent().resolve("classes") + File.pathSeparator
          + Files.readString(awsRuntime).trim();
    }

    WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    try {
      server.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter"))
          .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1").withBody(BODY)));
      server.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
          .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1").withBody(AWS_BODY)));
      String endpoint = "http://127.0.0.1:" + server.port();
      List<String> modes = awsClasspath == null ? List.of("bare", "provider", "client")
          : List.of("bare", "provider", "client", "aws-client");
      Map<String, List<Double>> wall = new LinkedHashMap<>();
      Map<String, List<Double>> uptime = new LinkedHashMap<>();
      modes.forEach(m -> {
        wall.put(m, new ArrayList<>());
        uptime.put(m, new ArrayList<>());
      });
      for (String mode : modes) {
        run(java, classpath, awsClasspath, mode, endpoint); // warm the OS file cache; not counted
      }
      for (int i = 0; i < runs; i++) {
        for (int k = 0; k < modes.size(); k++) {
          String mode = modes.get((i + k) % modes.size());
          double[] r = run(java, classpath, awsClasspath, mode, endpoint);
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

  private static double[] run(String java, String classpath, String awsClasspath, String mode, String endpoint)
      throws Exception {
    boolean aws = mode.equals("aws-client");
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", aws ? awsClasspath : classpath,
        "-Daws.region=us-east-1",
        "-Dsecrets.provider=" + (aws ? "aws" : "ssm") + "://?region=us-east-1&endpoint=" + endpoint,
        aws ? "io.secretsbroker.examples.lambda.ColdStartProbe" : SsmColdStartProbe.class.getName(),
        aws ? "client" : mode, endpoint);
    // test-only keys where Lambda puts the execution role's (the runtime guard allows those names)
    pb.environment().put("AWS_ACCESS_KEY_ID", "AKIDTESTONLY"); // secrets-guard:allow fake test credentials
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "test-only-secret-key"); // secrets-guard:allow fake test credentials
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    long start = System.nanoTime();
    Process p = pb.start();
    String line;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      line = out.readLine();
    }
    double wallMs = (System.nanoTime() - start) / 1e6;
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || line == null || !line.startsWith((aws ? "client" : mode) + " ")) {
      p.destroyForcibly();
      throw new IllegalStateException("probe " + mode + " failed: exit " + (p.isAlive() ? "timeout" : p.exitValue())
          + ", output " + line);
    }
    return new double[] {wallMs, Double.parseDouble(line.split(" ")[2])};
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
