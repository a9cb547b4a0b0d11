package io.secretsbroker.examples.lambda;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsClient;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler against a loopback Secrets Manager speaking AWS JSON 1.1, configured by its secrets.properties. */
class DbHandlerTest {
  private static final String VALUE = "db-password-test-only";
  private WireMockServer server;
  private final Map<String, String> savedProps = new HashMap<>();

  @BeforeEach
  void start() {
    server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    server.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
        .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
            .withBody("{\"Name\":\"db\",\"VersionId\":\"a1b2c3d4-0000-1111-2222-333344445555\",\"SecretString\":\""
                + VALUE + "\",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7354e9}")));
    for (String key : new String[] {"aws.accessKeyId", "aws.secretAccessKey"}) {
      savedProps.put(key, System.getProperty(key));
    }
    System.setProperty("aws.accessKeyId", "AKIDTESTONLY");
    System.setProperty("aws.secretAccessKey", "test-only-secret-key");
  }

  @AfterEach
  void stop() {
    SecretsClient previous = Secrets.install(null);
    if (previous != null) {
      previous.close();
    }
    server.stop();
    savedProps.forEach((k, v) -> {
      if (v == null) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
  }

  private static Map<String, String> bundledProperties() throws Exception {
    Properties p = new Properties();
    try (InputStream in = DbHandler.class.getResourceAsStream("/secrets.properties")) {
      p.load(in);
    }
    Map<String, String> out = new HashMap<>();
    p.forEach((k, v) -> out.put(k.toString(), v.toString()));
    return out;
  }

  @Test
  void bundledSecretsProperties_selectsAwsProvider() throws Exception {
    assertThat(bundledProperties()).containsEntry("secrets.provider", "aws://").containsEntry("secrets.allow", "db,orders-db");
  }

  @Test
  void handleRequest_readsDbOnceAndNeverReturnsTheValue() throws Exception {
    Map<String, String> config = bundledProperties();
    config.put("secrets.provider", config.get("secrets.provider") + "?region=us-east-1&endpoint=http://127.0.0.1:"
        + server.port());
    config.put("secrets.guard", "off");
    Secrets.install(SecretsClient.builder().properties(config).ambientConfiguration(false).build());
    DbHandler handler = new DbHandler();

    Map<String, Object> first = handler.handleRequest(Map.of(), null);
    Map<String, Object> second = handler.handleRequest(Map.of(), null);

    assertThat(first).containsEntry("status", "ok").containsEntry("loaded", true);
    assertThat(first.toString() + second).doesNotContain(VALUE);
    server.verify(1, postRequestedFor(urlEqualTo("/")));
  }
}
