package io.secretsbroker.benchmarks.fleet;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A loopback WireMock server speaking Secrets Manager's JSON 1.1 protocol ({@code GetSecretValue}
 * and {@code BatchGetSecretValue}, every name found with the same value) that counts every request
 * it answers by operation and status, SDK retries included. {@link FleetValidation}'s store.
 */
final class CountingStub implements AutoCloseable {
  private final WireMockServer server;
  private final Map<String, LongAdder> byOperation = new ConcurrentSkipListMap<>();

  CountingStub(String secretJson) {
    server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().containerThreads(64)
        .disableRequestJournal());
    server.start();
    server.addMockServiceRequestListener((request, response) -> {
      String target = String.valueOf(request.getHeader("X-Amz-Target"));
      byOperation.computeIfAbsent(target.substring(target.indexOf('.') + 1) + " " + response.getStatus(),
          k -> new LongAdder()).increment();
    });
    String record = "\"VersionId\":\"00000000-0000-0000-0000-000000000001\",\"SecretString\":" + quoted(secretJson)
        + ",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7E9";
    server.stubFor(post(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
            .withTransformers("response-template")
            .withBody("{\"ARN\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:{{jsonPath request.body"
                + " '$.SecretId'}}-AbCdEf\",\"Name\":\"{{jsonPath request.body '$.SecretId'}}\"," + record + "}")));
    server.stubFor(post(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("secretsmanager.BatchGetSecretValue"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
            .withTransformers("response-template")
            .withBody("{\"SecretValues\":[{{#each (jsonPath request.body '$.SecretIdList') as |id|}}"
                + "{{#unless @first}},{{/unless}}{\"ARN\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:{{id}}"
                + "-AbCdEf\",\"Name\":\"{{id}}\"," + record + "}{{/each}}],\"Errors\":[]}")));
  }

  int port() {
    return server.port();
  }

  /** Requests answered so far, by operation and HTTP status (e.g. {@code GetSecretValue 200}). */
  Map<String, Long> byOperation() {
    Map<String, Long> out = new java.util.TreeMap<>();
    byOperation.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  @Override
  public void close() {
    server.stop();
  }

  private static String quoted(String json) {
    return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
