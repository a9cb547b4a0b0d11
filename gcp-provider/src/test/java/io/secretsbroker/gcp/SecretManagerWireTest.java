package io.secretsbroker.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.secretsbroker.InvalidSecretNameException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.SecretsException;
import io.secretsbroker.gcp.internal.GcpConfig;
import io.secretsbroker.gcp.internal.GcpCredentials;
import io.secretsbroker.gcp.internal.GcpSecretProvider;
import io.secretsbroker.gcp.internal.SecretManagerHttp;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Wire-level behaviour against {@link FakeSecretManager}: the requests the driver sends, the
 * answers it accepts, and how it maps the service's errors, throttling, bad bodies and damaged
 * payloads. Every failure is checked for the sentinel value.
 */
class SecretManagerWireTest {
  private static final String SENTINEL = "s3ntinel-Gcp-Value-41c2";
  private final FakeSecretManager fake = new FakeSecretManager(GcpProviderContractTest.PROJECT, null);
  private final GcpSecretProvider provider = GcpProviderContractTest.provider(fake, null);

  @AfterEach
  void stop() {
    provider.close();
    fake.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void assertNoValue(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      assertThat(String.valueOf(c.getMessage())).doesNotContain(SENTINEL);
      assertThat(c.toString()).doesNotContain(SENTINEL);
    }
  }

  @Test
  void fetch_hierarchicalName_readsMappedSecretThroughCurrentThenLatest() {
    fake.seed("prod-db", utf8("pw-" + SENTINEL));

    SecretRecord r = provider.fetch("prod/db");

    assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("pw-" + SENTINEL);
    assertThat(r.versionId()).isEqualTo("1");
    assertThat(r.metadata()).containsEntry("secret", "projects/my-project/secrets/prod-db").containsEntry("alias", "latest");
    fake.server.verify(1, getRequestedFor(urlPathEqualTo("/v1/projects/my-project/secrets/prod-db/versions/current:access")));
    fake.server.verify(1, getRequestedFor(urlPathEqualTo("/v1/projects/my-project/secrets/prod-db/versions/latest:access")));
  }

  @Test
  void fetch_unknownAliasAnsweredAsInvalidArgument_stillFallsBackToLatest() {
    fake.seed("db", utf8("value"));
    fake.server.stubFor(WireMock.get(urlPathEqualTo("/v1/projects/my-project/secrets/db/versions/current:access"))
        .atPriority(1).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
            .withBody(FakeSecretManager.errorBody(400, "INVALID_ARGUMENT", "Invalid resource field value in the"
                + " request.", null))));

    assertThat(new String(provider.fetch("db").value(), StandardCharsets.UTF_8)).isEqualTo("value");
  }

  @Test
  void fetch_currentAliasOnDisabledVersion_surfacedNotFallenBack() {
    fake.seed("db", utf8("one"));
    fake.setAlias("db", "current", "1");
    fake.addVersionOnly("db", utf8("two"));
    fake.setState("db", "1", "DISABLED");

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(SecretVersionStateException.class).hasMessageContaining("'current' alias");
    fake.server.verify(0, getRequestedFor(urlPathEqualTo("/v1/projects/my-project/secrets/db/versions/latest:access")));
  }

  @Test
  void fetch_secretWithCurrentAlias_readsCurrentNotLatest() {
    fake.seed("db", utf8("one"));
    fake.setAlias("db", "current", "1");
    fake.addVersionOnly("db", utf8("two")); // added outside the broker: latest, but current decides
    fake.server.resetRequests();

    assertThat(provider.fetch("db").versionId()).isEqualTo("1");
    fake.server.verify(0, getRequestedFor(urlPathEqualTo("/v1/projects/my-project/secrets/db/versions/latest:access")));
  }

  @Test
  void fetch_regionalSecret_usesLocationPath() {
    FakeSecretManager regional = new FakeSecretManager(GcpProviderContractTest.PROJECT, "europe-west1");
    try (GcpSecretProvider p = GcpProviderContractTest.provider(regional, "europe-west1")) {
      regional.seed("db", utf8("regional"));

      assertThat(new String(p.fetch("db").value(), StandardCharsets.UTF_8)).isEqualTo("regional");
      assertThat(p.id()).isEqualTo("gcp:my-project/europe-west1");
      regional.server.verify(getRequestedFor(urlPathEqualTo(
          "/v1/projects/my-project/locations/europe-west1/secrets/db/versions/latest:access")));
    } finally {
      regional.close();
    }
  }

  @Test
  void fetchVersion_numberAndAlias_bothResolve() {
    fake.seed("api-key", utf8("one"));
    fake.seed("api-key", utf8("two"));
    fake.setAlias("api-key", "blue", "1");

    assertThat(new String(provider.fetchVersion("api-key", "2").value(), StandardCharsets.UTF_8)).isEqualTo("two");
    SecretRecord blue = provider.fetchVersion("api-key", "blue");
    assertThat(blue.versionId()).isEqualTo("1");
    assertThat(blue.metadata()).containsEntry("alias", "blue");
  }

  @Test
  void fetchVersion_malformedVersion_notFoundWithoutCall() {
    fake.seed("api-key", utf8("one"));

    Throwable t = catchThrowable(() -> provider.fetchVersion("api-key", "1/../../x"));

    assertThat(t).isInstanceOf(SecretNotFoundException.class).hasMessageContaining("1/../../x");
    fake.server.verify(0, getRequestedFor(urlPathMatching(".*versions/1.*")));
  }

  @Test
  void fetch_checksumMismatch_retryableAndValueNotShown() {
    fake.seed("db", utf8(SENTINEL));
    fake.corruptChecksum("db");

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("CRC32C")
        .hasMessageContaining("'db'");
    assertNoValue(t);
  }

  @Test
  void fetch_noChecksumInAnswer_accepted() {
    fake.seed("db", utf8("old-version-without-crc"));
    fake.omitChecksum("db");

    assertThat(new String(provider.fetch("db").value(), StandardCharsets.UTF_8)).isEqualTo("old-version-without-crc");
  }

  @Test
  void fetch_emptyPayload_isEmptyValue() {
    fake.seed("empty", new byte[0]);

    assertThat(provider.fetch("empty").value()).isEmpty();
  }

  @Test
  void put_sendsChecksumTheServiceVerifies() {
    fake.seed("db", utf8("old"));

    SecretRecord written = provider.put("db", utf8("new-" + SENTINEL));

    assertThat(fake.clientChecksum("db", written.versionId())).isTrue();
    assertThat(written.createdOn()).isNotNull();
    fake.server.verify(postRequestedFor(urlPathEqualTo("/v1/projects/my-project/secrets/db:addVersion"))
        .withRequestBody(WireMock.matchingJsonPath("$.payload.dataCrc32c",
            WireMock.equalTo(Long.toString(FakeSecretManager.crc32c(utf8("new-" + SENTINEL)))))));
  }

  @Test
  void fetch_missingSecret_notFoundSayingHowToCreateIt() {
    Throwable t = catchThrowable(() -> provider.fetch("prod/orders"));

    assertThat(t).isInstanceOf(SecretNotFoundException.class).hasMessageContaining("'prod/orders'")
        .hasMessageContaining("gcloud secrets create prod-orders --project my-project");
  }

  @Test
  void put_missingSecret_notFoundAndNothingCreated() {
    Throwable t = catchThrowable(() -> provider.put("nope", utf8(SENTINEL)));

    assertThat(t).isInstanceOf(SecretNotFoundException.class).hasMessageContaining("gcloud secrets create nope");
    assertNoValue(t);
  }

  @Test
  void fetch_permissionDenied_namesSecretAccessorRoleOnTheSecret() {
    fake.seed("prod-db", utf8(SENTINEL));
    fake.deny("prod-db");

    Throwable t = catchThrowable(() -> provider.fetch("prod/db"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("roles/secretmanager.secretAccessor")
        .hasMessageContaining("gcloud secrets add-iam-policy-binding prod-db --project my-project");
    assertNoValue(t);
  }

  @Test
  void fetch_apiNotEnabled_saysHowToEnableIt() {
    fake.server.stubFor(WireMock.any(urlPathMatching("/v1/.*")).atPriority(1).willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"code\":403,\"message\":\"Secret Manager"
            + " API has not been used in project 123456789012 before or it is disabled.\",\"status\":\"PERMISSION_DENIED\","
            + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"SERVICE_DISABLED\","
            + "\"domain\":\"googleapis.com\"}]}}")));

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("gcloud services enable secretmanager.googleapis.com");
  }

  @Test
  void fetch_throttled_retryableWithRetryAfterHint() {
    fake.server.stubFor(WireMock.get(urlPathMatching("/v1/.*")).atPriority(1).willReturn(aResponse().withStatus(429)
        .withHeader("Retry-After", "7").withHeader("Content-Type", "application/json")
        .withBody(FakeSecretManager.errorBody(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Access"
            + " requests' and limit 'Access requests per minute' of service 'secretmanager.googleapis.com'.", null))));

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("RESOURCE_EXHAUSTED")
        .hasMessageContaining("after 7 s");
  }

  @Test
  void fetch_throttledWithRetryInfo_usesItsDelay() {
    fake.server.stubFor(WireMock.get(urlPathMatching("/v1/.*")).atPriority(1).willReturn(aResponse().withStatus(429)
        .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"code\":429,\"message\":\"Quota"
            + " exceeded.\",\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":"
            + "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"2.5s\"}]}}")));

    assertThat(catchThrowable(() -> provider.fetch("db"))).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("after 2.5 s");
  }

  @Test
  void fetch_unavailableAndProxyPages_areRetryable() {
    fake.server.stubFor(WireMock.get(urlPathMatching("/v1/.*")).atPriority(1).willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "application/json")
        .withBody(FakeSecretManager.errorBody(503, "UNAVAILABLE", "The service is currently unavailable.", null))));
    assertThat(catchThrowable(() -> provider.fetch("db"))).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("UNAVAILABLE");

    fake.server.stubFor(WireMock.get(urlPathMatching("/v1/.*")).atPriority(1).willReturn(aResponse().withStatus(502)
        .withHeader("Content-Type", "text/html").withBody("<html><body>502 Bad Gateway</body></html>")));
    assertThat(catchThrowable(() -> provider.fetch("db"))).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("HTTP 502");
  }

  @Test
  void fetch_connectionReset_retryable() {
    fake.server.stubFor(WireMock.get(urlPathMatching("/v1/.*")).atPriority(1)
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    assertThat(catchThrowable(() -> provider.fetch("db"))).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("Could not reach Secret Manager");
  }

  @Test
  void fetch_malformedBodies_areNotRetriedAndNamedAsSuch() {
    for (String body : new String[] {"<html>captive portal</html>", "[1,2]", "{\"payload\":{\"data\":\"AA==\"}}",
        "{\"name\":\"projects/1/secrets/db/versions/1\",\"payload\":{\"data\":\"%%not-base64%%\"}}"}) {
      fake.server.stubFor(WireMock.get(urlPathMatching("/v1/.*")).atPriority(1)
          .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body)));

      Throwable t = catchThrowable(() -> provider.fetch("db"));

      assertThat(t).as(body).isInstanceOf(SecretsException.class).isNotInstanceOf(ProviderUnavailableException.class)
          .hasMessageContaining("not a Secret Manager response");
    }
  }

  @Test
  void fetch_disabledVersion_typedAndNamesTheVersion() {
    fake.seed("db", utf8(SENTINEL));
    fake.seed("db", utf8("two"));
    fake.setState("db", "2", "DISABLED");

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(SecretVersionStateException.class).hasMessageContaining("Version 2")
        .hasMessageContaining("DISABLED").hasMessageContaining("gcloud secrets versions enable 2 --secret db");
    assertThat(((SecretVersionStateException) t).versionId()).isEqualTo("2");
    assertThat(((SecretVersionStateException) t).state()).isEqualTo("DISABLED");
    assertNoValue(t);
  }

  @Test
  void fetchVersion_destroyedVersion_typedAsDestroyed() {
    fake.seed("db", utf8(SENTINEL));
    fake.setState("db", "1", "DESTROYED");

    Throwable t = catchThrowable(() -> provider.fetchVersion("db", "1"));

    assertThat(t).isInstanceOf(SecretVersionStateException.class).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("DESTROYED");
    assertThat(((SecretVersionStateException) t).versionId()).isEqualTo("1");
  }

  @Test
  void bearerToken_fromCredentials_isSentAndRejectedTokenIsAccessDenied() {
    fake.seed("db", utf8("value"));
    fake.requiredToken = "ya29.test-token"; // secrets-guard:allow fake OAuth token for the WireMock server
    GcpConfig pointed = new GcpConfig("my-project", null, java.net.URI.create(fake.endpoint()), false, false,
        GcpConfig.DEFAULT_TIMEOUT);
    Date expiry = Date.from(Instant.now().plusSeconds(3600));
    GcpCredentials good = GcpCredentials.from(pointed,
        () -> GoogleCredentials.create(new AccessToken("ya29.test-token", expiry))); // secrets-guard:allow fake token
    try (GcpSecretProvider p = new GcpSecretProvider(pointed, new SecretManagerHttp(pointed, good))) {
      assertThat(new String(p.fetch("db").value(), StandardCharsets.UTF_8)).isEqualTo("value");
    }
    fake.server.verify(getRequestedFor(urlPathMatching(".*:access"))
        .withHeader("Authorization", WireMock.equalTo("Bearer ya29.test-token"))); // secrets-guard:allow fake token

    GcpCredentials bad = GcpCredentials.from(pointed,
        () -> GoogleCredentials.create(new AccessToken("ya29.revoked", expiry))); // secrets-guard:allow fake token
    try (GcpSecretProvider p = new GcpSecretProvider(pointed, new SecretManagerHttp(pointed, bad))) {
      assertThat(catchThrowable(() -> p.fetch("db"))).isInstanceOf(SecretAccessDeniedException.class)
          .hasMessageContaining("UNAUTHENTICATED");
    }
  }

  @Test
  void secretId_secondSpellingOfOneSecret_refused() {
    fake.seed("prod-db", utf8("v"));
    provider.fetch("prod/db");

    Throwable t = catchThrowable(() -> provider.fetch("prod-db"));

    assertThat(t).isInstanceOf(InvalidSecretNameException.class).hasMessageContaining("'prod/db'")
        .hasMessageContaining("'prod-db'");
  }

  @Test
  void nullArguments_npeNamingTheParameter() {
    assertThat(catchThrowable(() -> provider.fetch(null))).isInstanceOf(NullPointerException.class).hasMessage("name");
    assertThat(catchThrowable(() -> provider.put("db", null))).isInstanceOf(NullPointerException.class)
        .hasMessage("value");
    assertThat(catchThrowable(() -> provider.fetchAll(null))).isInstanceOf(NullPointerException.class)
        .hasMessage("names");
  }

  @Test
  void fetchAll_readsInParallelBoundedByMaxParallel() throws Exception {
    Set<String> names = IntStream.range(0, 20).mapToObj(i -> "s" + i).collect(Collectors.toCollection(LinkedHashSet::new));
    for (String n : names) {
      fake.seed(n, utf8("v-" + n));
      fake.setAlias(n, "current", "1"); // one call per name
    }
    CountDownLatch gate = new CountDownLatch(1);
    fake.gate = gate;
    CompletableFuture<Map<String, SecretRecord>> all = CompletableFuture.supplyAsync(() -> provider.fetchAll(names));

    assertThat(fake.parked.tryAcquire(GcpSecretProvider.MAX_PARALLEL, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(fake.parked.tryAcquire(1, 200, TimeUnit.MILLISECONDS)).as("a ninth call while eight are parked")
        .isFalse();
    gate.countDown();
    Map<String, SecretRecord> out = all.get(10, TimeUnit.SECONDS);

    assertThat(out).hasSize(20);
    assertThat(new String(out.get("s7").value(), StandardCharsets.UTF_8)).isEqualTo("v-s7");
    assertThat(fake.maxInFlight.get()).isEqualTo(GcpSecretProvider.MAX_PARALLEL);
  }

  @Test
  void fetchAll_aDeniedSecret_failsTheBatchWithoutValue() {
    fake.seed("a", utf8(SENTINEL));
    fake.seed("b", utf8(SENTINEL));
    fake.deny("b");

    Throwable t = catchThrowable(() -> provider.fetchAll(new LinkedHashSet<>(java.util.List.of("a", "b"))));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class);
    assertNoValue(t);
  }

  @Test
  void client_gcpSchemeFromProperties_readsEnvironmentMappedSecret() {
    fake.seed("prod-db", utf8("postgresql://app@db/orders"));
    try (SecretsClient client = SecretsClient.fromProperties(Map.of(
        "secrets.provider", "gcp://my-project?endpoint=" + fake.endpoint() + "&credentials=none",
        "secrets.env", "prod"))) {
      SecretValue v = client.value("db");

      assertThat(v.asString()).isEqualTo("postgresql://app@db/orders");
      assertThat(v.toString()).doesNotContain("postgresql");
    }
    fake.server.verify(getRequestedFor(urlPathEqualTo("/v1/projects/my-project/secrets/prod-db/versions/latest:access")));
  }
}
