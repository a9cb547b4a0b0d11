package io.secretsbroker.spring.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretsClient;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * End to end on aws:// against WireMock speaking AWS Secrets Manager's wire protocol (AWS JSON 1.1:
 * {@code POST /} with {@code X-Amz-Target: secretsmanager.<Operation>}, SigV4-signed, AWS's error
 * bodies): the import's batch load, placeholders, a rotation seen by a refresh, and access denied
 * failing start-up. The dummy credentials come from surefire's environment.
 */
class AwsWireMockTest {
  static final String JSON_11 = "application/x-amz-json-1.1";
  static final String V1 = "{\"username\":\"orders\",\"password\":\"aws-pw-v1-4e8\"}"; // secrets-guard:allow fake secret served by WireMock
  static final String V2 = "{\"username\":\"orders\",\"password\":\"aws-pw-v2-b71\"}"; // secrets-guard:allow fake secret served by WireMock
  static WireMockServer aws;

  @BeforeAll
  static void start() {
    aws = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    aws.start();
  }

  @AfterAll
  static void stop() {
    aws.stop();
  }

  @BeforeEach
  void reset() {
    aws.resetAll();
  }

  static String entry(String name, String versionId, String value) {
    return "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:" + name + "-AbCdEf\",\"Name\":\"" + name
        + "\",\"VersionId\":\"" + versionId + "\",\"SecretString\":" + quote(value)
        + ",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7E9}";
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static void stub(String operation, String scenarioState, String nextState, int status, String body) {
    var mapping = post(urlEqualTo("/")).inScenario("rotation").whenScenarioStateIs(scenarioState)
        .withHeader("X-Amz-Target", equalTo("secretsmanager." + operation))
        .withHeader("Content-Type", containing(JSON_11))
        .withHeader("Authorization", containing("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"))
        .willReturn(aResponse().withStatus(status).withHeader("Content-Type", JSON_11).withBody(body));
    if (nextState != null) {
      mapping = mapping.willSetStateTo(nextState);
    }
    aws.stubFor(mapping);
  }

  ConfigurableApplicationContext run() {
    return new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE).run(
        "--spring.config.import=secretsbroker:orders-db",
        "--secrets.provider=aws://?region=us-east-1&endpoint=http://127.0.0.1:" + aws.port(),
        "--secrets.watch.interval=off", "--secrets.retry.max-attempts=1",
        "--app.db.username=${secrets.orders-db.username}", "--app.db.password=${secrets.orders-db.password}");
  }

  @Test
  void importResolvesAndFollowsARotation() throws Exception {
    stub("BatchGetSecretValue", Scenario.STARTED, null, 200,
        "{\"SecretValues\":[" + entry("orders-db", "v-1", V1) + "],\"Errors\":[]}");
    stub("GetSecretValue", Scenario.STARTED, null, 200, entry("orders-db", "v-1", V1));
    try (ConfigurableApplicationContext ctx = run()) {
      TestApp.DbProperties props = ctx.getBean(TestApp.DbProperties.class);
      assertThat(props.getUsername()).isEqualTo("orders");
      assertThat(props.getPassword()).isEqualTo("aws-pw-v1-4e8");
      aws.verify(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.BatchGetSecretValue"))
          .withRequestBody(matchingJsonPath("$.SecretIdList[0]", equalTo("orders-db"))));

      // the secret is rotated in Secrets Manager; a refresh (the watcher's, or an explicit one) sees it
      stub("GetSecretValue", "rotated", null, 200, entry("orders-db", "v-2", V2));
      aws.setScenarioState("rotation", "rotated");
      TestApp.Events events = ctx.getBean(TestApp.Events.class);
      events.rotation = new CountDownLatch(1);
      ctx.getBean(SecretsClient.class).refresh("orders-db");
      assertThat(events.rotation.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(events.rotated).anySatisfy(e -> {
        assertThat(e.name()).isEqualTo("orders-db");
        assertThat(e.versionId()).isEqualTo("v-2");
      });
      assertThat(props.getPassword()).isEqualTo("aws-pw-v2-b71");
      aws.verify(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
          .withRequestBody(matchingJsonPath("$.SecretId", equalTo("orders-db"))));
    }
  }

  @Test
  void accessDenied_failsStartupNamingThePermission() {
    String denied = "{\"__type\":\"AccessDeniedException\",\"Message\":\"User: arn:aws:sts::123456789012:assumed-role/orders"
        + " is not authorized to perform: secretsmanager:GetSecretValue on resource: orders-db\"}";
    stub("BatchGetSecretValue", Scenario.STARTED, null, 400, denied);
    stub("GetSecretValue", Scenario.STARTED, null, 400, denied);
    Throwable t = catchThrowable(this::run);
    assertThat(StartupTest.find(t, SecretAccessDeniedException.class)).hasMessageContaining("secretsmanager:GetSecretValue");
  }
}
