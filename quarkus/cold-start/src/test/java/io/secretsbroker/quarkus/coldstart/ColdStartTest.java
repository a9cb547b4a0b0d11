package io.secretsbroker.quarkus.coldstart;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cold start, side by side in one run: fresh JVMs alternate between the packaged
 * {@code examples/quarkus-function} (the {@code secretsbroker} extension, placeholder
 * {@code ${secrets.payments.api-key}} over {@code aws://}) and this module's packaged peer app (the
 * Quarkiverse Secrets Manager extension's client), both on the same Quarkus and reading the JSON
 * secret {@code prod/payments} from the same loopback WireMock Secrets Manager (AWS JSON 1.1). Each
 * round times {@code java -jar} to the first {@code 200} of {@code GET /orders/1}, the request that
 * reads the secret, checks that each app made exactly one {@code GetSecretValue} call and printed no
 * value, and prints the median and minimum per app. With more than one round, one unrecorded pair
 * runs first (the operating system's file cache, not the JVM, is what it warms).
 *
 * <p>{@code ./mvnw -B -o -q -pl quarkus/cold-start -am verify -Dcoldstart.rounds=5
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtest=ColdStartTest}; the module is in the reactor only
 * when {@code coldstart.rounds} is set.
 */
class ColdStartTest {
  static final String JSON_11 = "application/x-amz-json-1.1";
  static final String KEY = "pk-cold-start-000111"; // secrets-guard:allow fake key served by WireMock
  static final String SECRET_ID = "prod/payments";
  static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");
  static WireMockServer aws;

  @BeforeAll
  static void start() {
    aws = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    aws.start();
    String entry = "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments-AbCdEf\",\"Name\":\""
        + SECRET_ID + "\",\"VersionId\":\"v-1\",\"SecretString\":\"{\\\"api-key\\\":\\\"" + KEY + "\\\"}\","
        + "\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7E9}";
    aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
        .withRequestBody(equalToJson("{\"SecretId\":\"" + SECRET_ID + "\"}", true, true))
        .willReturn(aResponse().withHeader("Content-Type", JSON_11).withBody(entry)));
    aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.BatchGetSecretValue"))
        .willReturn(aResponse().withHeader("Content-Type", JSON_11).withBody("{\"SecretValues\":[" + entry + "],\"Errors\":[]}")));
  }

  @AfterAll
  static void stop() {
    aws.stop();
  }

  /** One app's packaged {@code quarkus-run.jar} and the settings that point it at WireMock. */
  record App(String name, Path jar, List<String> settings) {
  }

  static App broker() {
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().getParent();
    return new App("secretsbroker", root.resolve("examples/quarkus-function/target/quarkus-app/quarkus-run.jar"), List.of(
        "-Dsecrets.provider=aws://?region=us-east-1&endpoint=http://127.0.0.1:" + aws.port(), "-Dsecrets.env=prod"));
  }

  static App quarkiverse() {
    return new App("quarkiverse", Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath(), List.of(
        "-Dquarkus.secretsmanager.aws.region=us-east-1",
        "-Dquarkus.secretsmanager.endpoint-override=http://127.0.0.1:" + aws.port()));
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Milliseconds from launching the JVM to the first 200 of the request that reads the secret. */
  static long runOnce(App app, HttpClient http) throws Exception {
    assertThat(app.jar()).as(app.name() + " is packaged").exists();
    int port = freePort();
    Path log = Files.createTempFile("cold-start-" + app.name(), ".log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dquarkus.http.port=" + port));
    cmd.addAll(app.settings());
    cmd.addAll(List.of("-jar", app.jar().toString()));
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders/1"))
        .timeout(Duration.ofSeconds(10)).build();
    aws.resetRequests();
    long start = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      HttpResponse<String> response = null;
      while (p.isAlive() && (response == null || response.statusCode() != 200)
          && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(180)) {
        response = tryGet(http, get);
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(response).as(app.name() + " answered; output:\n" + out).isNotNull();
      assertThat(response.statusCode()).as(app.name() + " output:\n" + out).isEqualTo(200);
      assertThat(response.body()).isEqualTo("order 1 signed with payments key version v-1");
      assertThat(out).doesNotContain(KEY);
      // one GetSecretValue of the same secret for either app: the same work on the wire
      aws.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
          .withRequestBody(equalToJson("{\"SecretId\":\"" + SECRET_ID + "\"}", true, true)));
      assertThat(aws.getAllServeEvents()).as(app.name() + " calls to the store").hasSize(1);
      Matcher started = STARTED.matcher(out);
      System.out.println("COLD START round: " + app.name() + " " + ms + " ms to the first secret; Quarkus started in "
          + (started.find() ? started.group(1) + " s" : "?"));
      return ms;
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
      Files.deleteIfExists(log);
    }
  }

  static HttpResponse<String> tryGet(HttpClient http, HttpRequest get) throws InterruptedException {
    try {
      return http.send(get, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException notYetListening) {
      Thread.sleep(5);
      return null;
    }
  }

  @Test
  void timeToFirstSecret_brokerVersusQuarkiverse() throws Exception {
    int rounds = Integer.getInteger("coldstart.rounds", 1);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    List<Long> broker = new ArrayList<>();
    List<Long> peer = new ArrayList<>();
    if (rounds > 1) { // one unrecorded pair first, so neither app pays alone for reading the jars from disk
      runOnce(broker(), http);
      runOnce(quarkiverse(), http);
    }
    for (int i = 0; i < rounds; i++) {
      broker.add(runOnce(broker(), http));
      peer.add(runOnce(quarkiverse(), http));
    }
    System.out.println("COLD START (ms, java -jar to the first 200 of GET /orders/1), rounds=" + rounds + ": "
        + summary("secretsbroker", broker) + "; " + summary("quarkiverse", peer));
  }

  /** {@code name median=M min=N all=[...]}, the rounds in the order they ran. */
  static String summary(String name, List<Long> rounds) {
    List<Long> sorted = rounds.stream().sorted().toList();
    return name + " median=" + sorted.get(sorted.size() / 2) + " min=" + sorted.get(0) + " all=" + rounds;
  }
}
