package io.secretsbroker.spring.coldstart;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cold start, side by side in one run: fresh JVMs alternate between the starter's config import
 * and Spring Cloud AWS's, each reading one JSON secret from the same WireMock Secrets Manager
 * (AWS JSON 1.1, GetSecretValue and BatchGetSecretValue), each with only its own integration on
 * the class path. Prints the median and minimum of {@code FIRST_SECRET_MS} (JVM start to a started
 * app with the placeholder resolved) per app.
 *
 * <p>{@code ./mvnw -B -pl spring-boot-starter/cold-start -am verify -Dcoldstart.rounds=7
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtest=ColdStartTest}; the build runs one round (it
 * checks that both apps resolve the secret).
 */
class ColdStartTest {
  static final String JSON_11 = "application/x-amz-json-1.1";
  static final String PASSWORD = "cold-start-pw-1"; // secrets-guard:allow fake secret served by WireMock
  static final String SECRET = "{\"username\":\"orders\",\"password\":\"" + PASSWORD + "\"}";
  static final Pattern RESULT = Pattern.compile("FIRST_SECRET_MS=(\\d+) MATCH=(true|false)");
  static WireMockServer aws;

  @BeforeAll
  static void start() {
    aws = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    aws.start();
    String entry = "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db-AbCdEf\",\"Name\":\"orders-db\","
        + "\"VersionId\":\"v-1\",\"SecretString\":\"" + SECRET.replace("\"", "\\\"") + "\",\"VersionStages\":[\"AWSCURRENT\"],"
        + "\"CreatedDate\":1.7E9}";
    aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
        .willReturn(aResponse().withHeader("Content-Type", JSON_11).withBody(entry)));
    aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.BatchGetSecretValue"))
        .willReturn(aResponse().withHeader("Content-Type", JSON_11).withBody("{\"SecretValues\":[" + entry + "],\"Errors\":[]}")));
  }

  @AfterAll
  static void stop() {
    aws.stop();
  }

  /** The test class path without the other integration. */
  static String classPath(String app) {
    Path module = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path root = module.getParent().getParent();
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).filter(e -> {
      Path p = Path.of(e).toAbsolutePath();
      String name = p.getFileName().toString();
      if (name.startsWith("junit") || name.startsWith("wiremock") || name.startsWith("assertj")
          || p.startsWith(module.resolve("target/test-classes"))) {
        return false;
      }
      // both apps keep the AWS SDK's url-connection-client (the only SDK HTTP client here): same transport
      boolean ours = (p.startsWith(root) && !p.startsWith(module)) || name.startsWith("secretsbroker-");
      boolean theirs = name.startsWith("spring-cloud-aws") || name.startsWith("apache-client") || name.startsWith("httpclient")
          || name.startsWith("httpcore");
      return app.equals("broker") ? !theirs : !ours;
    }).collect(Collectors.joining(File.pathSeparator));
  }

  static long runOnce(String app) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", classPath(app), ColdStartApps.class.getName(), app,
        "http://127.0.0.1:" + aws.port(), PASSWORD).redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    Matcher m = RESULT.matcher(out);
    assertThat(m.find()).as(app + " output:\n" + out).isTrue();
    assertThat(m.group(2)).as(app + " resolved the password").isEqualTo("true");
    assertThat(out).doesNotContain(PASSWORD);
    return Long.parseLong(m.group(1));
  }

  @Test
  void timeToFirstSecret_brokerVersusSpringCloudAws() throws Exception {
    int rounds = Integer.getInteger("coldstart.rounds", 1);
    List<Long> broker = new ArrayList<>();
    List<Long> awspring = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      broker.add(runOnce("broker"));
      awspring.add(runOnce("awspring"));
    }
    System.out.println("COLD START (ms, JVM start to app started with the secret resolved), rounds=" + rounds
        + ": secretsbroker median=" + median(broker) + " min=" + min(broker) + " all=" + broker
        + "; spring-cloud-aws median=" + median(awspring) + " min=" + min(awspring) + " all=" + awspring);
  }

  static long median(List<Long> v) {
    List<Long> s = v.stream().sorted().toList();
    return s.get(s.size() / 2);
  }

  static long min(List<Long> v) {
    return v.stream().mapToLong(Long::longValue).min().orElse(-1);
  }
}
