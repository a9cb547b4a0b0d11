package io.secretsbroker.ssm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.secretsbroker.ssm.FakeParameterStore.awsError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import io.secretsbroker.InvalidSecretNameException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Reads against {@link FakeParameterStore} over SSM's real JSON 1.1 protocol: names, types,
 * versions and labels, batching, and the error mapping (SSM's error bodies, KMS, throttling, 5xx,
 * bad responses, timeouts, resets). No value ever shows up in an exception.
 */
class SsmSecretProviderTest {
  @RegisterExtension
  static final FakeParameterStore SSM = new FakeParameterStore();

  private static final String SENTINEL = "s3ntinel-Ssm-Value-51d0";

  private SsmSecretProvider provider;

  @BeforeEach
  void open() {
    provider = SSM.provider();
  }

  @AfterEach
  void close() {
    provider.close();
  }

  private static String text(SecretRecord r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }

  private static void assertNoValueIn(Throwable t) {
    assertThat(t).isInstanceOf(SecretsException.class);
    for (Throwable c = t; c != null; c = c.getCause()) {
      assertThat(String.valueOf(c.getMessage())).doesNotContain(SENTINEL);
      assertThat(c.toString()).doesNotContain(SENTINEL);
    }
  }

  // ---- names, types, wire format ----

  @Test
  void fetch_hierarchicalName_sendsGetParameterWithDecryptionOnSlashName() {
    SSM.seed("prod/db", SENTINEL, "SecureString");

    SecretRecord r = provider.fetch("prod/db");

    assertThat(text(r)).isEqualTo(SENTINEL);
    assertThat(r.name()).isEqualTo("prod/db");
    assertThat(r.versionId()).isEqualTo("1");
    assertThat(r.metadata()).containsEntry("type", "SecureString")
        .containsEntry("arn", "arn:aws:ssm:us-east-1:123456789012:parameter/prod/db");
    assertThat(r.createdOn()).isNotNull();
    JsonNode sent = SSM.requests("GetParameter").get(0);
    assertThat(sent.get("Name").asText()).isEqualTo("/prod/db");
    assertThat(sent.get("WithDecryption").asBoolean()).isTrue();
    assertThat(r.toString()).doesNotContain(SENTINEL);
  }

  @Test
  void fetch_flatName_staysFlat() {
    SSM.seed("db", "flat", "String");

    assertThat(text(provider.fetch("db"))).isEqualTo("flat");
    assertThat(SSM.requests("GetParameter").get(0).get("Name").asText()).isEqualTo("db");
  }

  @Test
  void fetch_stringList_isTheCommaJoinedList() {
    SSM.seed("prod/hosts", "a.example.com,b.example.com,c.example.com", "StringList");

    SecretRecord r = provider.fetch("prod/hosts");

    assertThat(text(r)).isEqualTo("a.example.com,b.example.com,c.example.com");
    assertThat(r.metadata()).containsEntry("type", "StringList");
  }

  @Test
  void fetch_plainString_readAsIs() {
    SSM.seed("prod/url", "https://orders.example.com", "String");

    assertThat(provider.fetch("prod/url").metadata()).containsEntry("type", "String");
  }

  @Test
  void fetch_nameOutsideParameterStoreAlphabet_refusedBeforeAnyCall() {
    for (String bad : List.of("prod/db@1", "prod/d b", "prod/db#password", "prod/caf\u00e9")) { // secrets-guard:allow a name, not a value
      assertThat(catchThrowable(() -> provider.fetch(bad))).as(bad)
          .isInstanceOf(InvalidSecretNameException.class).hasMessageContaining("letters, digits");
    }
    assertThat(SSM.count("GetParameter")).isZero();
  }

  @Test
  void fetch_reservedPendingSuffix_refused() {
    SSM.seed("prod/db", "current", "SecureString");

    assertThat(catchThrowable(() -> provider.fetch("prod/db.pending")))
        .isInstanceOf(InvalidSecretNameException.class).hasMessageContaining("PENDING");
    assertThat(SSM.count("GetParameter")).isZero();
  }

  @Test
  void fetch_null_throwsNpeNamingTheParameter() {
    assertThat(catchThrowable(() -> provider.fetch(null))).isInstanceOf(NullPointerException.class)
        .hasMessage("name");
    assertThat(catchThrowable(() -> provider.fetchAll(null))).isInstanceOf(NullPointerException.class)
        .hasMessage("names");
  }

  // ---- versions and labels ----

  @Test
  void fetchVersion_numberAndLabel_readThroughSelectors() {
    SSM.seed("prod/db", "one", "SecureString");
    SSM.seed("prod/db", "two", "SecureString");
    SSM.seed("prod/db", "three", "SecureString");
    SSM.label("/prod/db", 2, "blue");

    SecretRecord byNumber = provider.fetchVersion("prod/db", "1");
    SecretRecord byLabel = provider.fetchVersion("prod/db", "blue");

    assertThat(text(byNumber)).isEqualTo("one");
    assertThat(byNumber.versionId()).isEqualTo("1");
    assertThat(text(byLabel)).isEqualTo("two");
    assertThat(byLabel.versionId()).isEqualTo("2");
    assertThat(byLabel.metadata()).containsEntry("selector", ":blue");
    assertThat(SSM.requests("GetParameter")).extracting(n -> n.get("Name").asText())
        .containsExactly("/prod/db:1", "/prod/db:blue");
  }

  @Test
  void fetchVersion_unknownNumberOrLabel_notFound() {
    SSM.seed("prod/db", SENTINEL, "SecureString");

    Throwable t = catchThrowable(() -> provider.fetchVersion("prod/db", "7"));
    assertThat(t).isInstanceOf(SecretNotFoundException.class).hasMessageContaining("/prod/db");
    assertNoValueIn(t);
    assertThat(catchThrowable(() -> provider.fetchVersion("prod/db", "green")))
        .isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void fetchVersion_impossibleSelector_notFoundWithoutCall() {
    SSM.seed("prod/db", "x", "SecureString");

    for (String bad : List.of("0", "3a", "aws-label", "ssm1", "a:b", "-1 ")) {
      assertThat(catchThrowable(() -> provider.fetchVersion("prod/db", bad))).as(bad)
          .isInstanceOf(SecretNotFoundException.class);
    }
    assertThat(SSM.count("GetParameter")).isZero();
  }

  // ---- batch ----

  @Test
  void fetchAll_23Names_threeGetParametersCallsOfAtMostTen() {
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < 23; i++) {
      names.add("prod/s" + i);
      if (i % 5 != 0) {
        SSM.seed("prod/s" + i, "v" + i, i % 2 == 0 ? "String" : "SecureString");
      }
    }

    Map<String, SecretRecord> all = provider.fetchAll(names);

    assertThat(all).hasSize(18).doesNotContainKeys("prod/s0", "prod/s5", "prod/s10", "prod/s15", "prod/s20");
    assertThat(text(all.get("prod/s7"))).isEqualTo("v7");
    assertThat(all.get("prod/s7").name()).isEqualTo("prod/s7");
    List<JsonNode> calls = SSM.requests("GetParameters");
    assertThat(calls).hasSize(3);
    List<Integer> sizes = new ArrayList<>();
    calls.forEach(c -> {
      sizes.add(c.get("Names").size());
      assertThat(c.get("WithDecryption").asBoolean()).isTrue();
    });
    assertThat(sizes).containsExactly(10, 10, 3);
    assertThat(calls.get(0).get("Names").get(1).asText()).isEqualTo("/prod/s1");
    assertThat(SSM.count("GetParameter")).isZero();
  }

  @Test
  void fetchAll_deniedParameterInBatch_throwsAccessDenied() {
    SSM.seed("prod/a", "a", "SecureString");
    SSM.seed("prod/b", SENTINEL, "SecureString");
    SSM.deny("prod/b");

    Throwable t = catchThrowable(() -> provider.fetchAll(Set.of("prod/a", "prod/b")));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("ssm:GetParameters");
    assertNoValueIn(t);
  }

  @Test
  void fetchAll_answerWithParameterNotAskedFor_refused() {
    SSM.stubFor("GetParameters", aResponse().withStatus(200).withHeader("Content-Type", FakeParameterStore.JSON_11)
        .withBody("{\"Parameters\":[{\"Name\":\"/prod/other\",\"Type\":\"String\",\"Value\":\"" + SENTINEL
            + "\",\"Version\":1}],\"InvalidParameters\":[]}"));

    Throwable t = catchThrowable(() -> provider.fetchAll(Set.of("prod/a")));

    assertThat(t).isInstanceOf(SecretsException.class).hasMessageContaining("/prod/other");
    assertNoValueIn(t);
  }

  // ---- errors ----

  @Test
  void fetch_missing_notFoundNamingParameterAndMapping() {
    Throwable t = catchThrowable(() -> provider.fetch("prod/nope"));

    assertThat(t).isInstanceOf(SecretNotFoundException.class).hasMessageContaining("prod/nope")
        .hasMessageContaining("/prod/nope").hasMessageContaining("secrets.env");
  }

  @Test
  void fetch_denied_namesGetParameterOnTheParameterArn() {
    SSM.seed("prod/db", SENTINEL, "SecureString");
    SSM.deny("prod/db");

    Throwable t = catchThrowable(() -> provider.fetch("prod/db"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("ssm:GetParameter")
        .hasMessageContaining("parameter/prod/db");
    assertNoValueIn(t);
  }

  @Test
  void fetch_kmsDecryptDeniedAsAccessDenied_namesKmsDecryptOnConfiguredKey() {
    provider.close();
    provider = SSM.provider(SSM.settings().withKmsKey("alias/orders"));
    SSM.seed("prod/db", SENTINEL, "SecureString");
    SSM.kmsFault("prod/db", "AccessDeniedException");

    Throwable t = catchThrowable(() -> provider.fetch("prod/db"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("kms:Decrypt")
        .hasMessageContaining("alias/orders");
    assertNoValueIn(t);
  }

  @Test
  void fetch_kmsErrorCodes_allMapToAccessDeniedNamingKmsDecrypt() {
    SSM.seed("prod/db", SENTINEL, "SecureString");
    for (String code : List.of("KMSAccessDeniedException", "KMSDisabledException", "KMSInvalidStateException",
        "InvalidKeyId", "KMSNotFoundException")) {
      SSM.kmsFault("prod/db", code);

      Throwable t = catchThrowable(() -> provider.fetch("prod/db"));

      assertThat(t).as(code).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("kms:Decrypt")
          .hasMessageContaining("enabled").hasMessageContaining(code);
      assertNoValueIn(t);
    }
  }

  @Test
  void fetch_plainStringWithKmsFault_needsNoDecrypt() {
    SSM.seed("prod/url", "https://x.example.com", "String");
    SSM.kmsFault("prod/url", "KMSDisabledException");

    assertThat(text(provider.fetch("prod/url"))).isEqualTo("https://x.example.com");
  }

  /** Error shapes seen from AWS JSON services: a namespaced __type, and the code only in x-amzn-ErrorType. */
  @Test
  void fetch_errorCodeSpellings_mappedAlike() {
    SSM.stubFor("GetParameter", aResponse().withStatus(400).withHeader("Content-Type", FakeParameterStore.JSON_11)
        .withBody("{\"__type\":\"com.amazonaws.ssm#ParameterNotFound\"}"));
    assertThat(catchThrowable(() -> provider.fetch("prod/db"))).isInstanceOf(SecretNotFoundException.class);

    SSM.stubFor("GetParameter", aResponse().withStatus(400).withHeader("Content-Type", FakeParameterStore.JSON_11)
        .withHeader("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.service/")
        .withBody("{\"message\":\"Rate exceeded\"}"));
    assertThat(catchThrowable(() -> provider.fetch("prod/db"))).isInstanceOf(ProviderUnavailableException.class);
  }

  @Test
  void fetch_throttled_unavailableWithRetryHint() {
    SSM.stubFor("GetParameter", awsError(400, "ThrottlingException", "Rate exceeded"));

    Throwable t = catchThrowable(() -> provider.fetch("prod/db"));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("ThrottlingException")
        .hasMessageContaining("Retryable").hasMessageContaining("40 transactions per second")
        .hasMessageContaining("secrets.cache.refresh-after");
  }

  @Test
  void put_tooManyUpdates_unavailable() {
    SSM.seed("prod/db", "x", "SecureString");
    SSM.stubFor("PutParameter", awsError(400, "TooManyUpdates", "There are concurrent updates"));

    assertThat(catchThrowable(() -> provider.put("prod/db", "y".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("ssm:PutParameter");
  }

  @Test
  void fetch_http429WithoutCode_unavailable() {
    SSM.stubFor("GetParameter", aResponse().withStatus(429).withBody(""));

    assertThat(catchThrowable(() -> provider.fetch("prod/db"))).isInstanceOf(ProviderUnavailableException.class);
  }

  @Test
  void fetch_internalServerError_unavailable() {
    SSM.stubFor("GetParameter", awsError(500, "InternalServerError", "An internal error occurred"));

    assertThat(catchThrowable(() -> provider.fetch("prod/db"))).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("InternalServerError");
  }

  @Test
  void fetch_gateway503WithHtmlBody_unavailable() {
    SSM.stubFor("GetParameter", aResponse().withStatus(503).withHeader("Content-Type", "text/html")
        .withBody("<html><body>Service Unavailable</body></html>"));

    assertThat(catchThrowable(() -> provider.fetch("prod/db"))).isInstanceOf(ProviderUnavailableException.class);
  }

  @Test
  void fetch_badCredentials_accessDenied() {
    SSM.stubFor("GetParameter", awsError(400, "UnrecognizedClientException",
        "The security token included in the request is invalid."));

    assertThat(catchThrowable(() -> provider.fetch("prod/db"))).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("credentials");
  }

  @Test
  void fetch_validationException_plainSecretsExceptionNamingCode() {
    SSM.stubFor("GetParameter", awsError(400, "ValidationException", "Parameter name is invalid"));

    Throwable t = catchThrowable(() -> provider.fetch("prod/db"));

    assertThat(t).isExactlyInstanceOf(SecretsException.class).hasMessageContaining("ValidationException");
  }

  @Test
  void fetch_okWithoutParameter_refusedAsBadResponse() {
    SSM.stubFor("GetParameter", aResponse().withStatus(200).withHeader("Content-Type", FakeParameterStore.JSON_11)
        .withBody("{}"));

    assertThat(catchThrowable(() -> provider.fetch("prod/db"))).isExactlyInstanceOf(SecretsException.class)
        .hasMessageContaining("without a value");
  }

  @Test
  void fetch_okWithGarbageBody_mappedNoSdkExceptionLeaks() {
    SSM.stubFor("GetParameter", aResponse().withStatus(200).withHeader("Content-Type", FakeParameterStore.JSON_11)
        .withBody("{\"Parameter\": [not json"));

    Throwable t = catchThrowable(() -> provider.fetch("prod/db"));

    assertThat(t).isInstanceOf(SecretsException.class).isNotInstanceOf(SdkException.class);
  }

  @Test
  void fetch_connectionReset_unavailable() {
    SSM.stubFor("GetParameter", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

    assertThat(catchThrowable(() -> provider.fetch("prod/db"))).isInstanceOf(ProviderUnavailableException.class);
  }

  @Test
  void fetch_slowerThanReadTimeout_unavailable() {
    provider.close();
    provider = SSM.provider(SSM.settings().withReadTimeout(Duration.ofMillis(200)));
    SSM.stubFor("GetParameter", aResponse().withStatus(200).withFixedDelay(2_000)
        .withHeader("Content-Type", FakeParameterStore.JSON_11).withBody("{}"));

    assertThat(catchThrowable(() -> provider.fetch("prod/db"))).isInstanceOf(ProviderUnavailableException.class);
  }

  @Test
  void failOnce_thenRecovers_noStateKeptAcrossCalls() {
    SSM.seed("prod/db", "ok", "SecureString");
    SSM.failOnce("GetParameter", awsError(400, "ThrottlingException", "Rate exceeded"));

    assertThat(catchThrowable(() -> provider.fetch("prod/db"))).isInstanceOf(ProviderUnavailableException.class);
    assertThat(text(provider.fetch("prod/db"))).isEqualTo("ok");
  }

  @Test
  void closed_callsRefused() {
    SSM.seed("prod/db", "ok", "SecureString");
    provider.close();

    assertThat(catchThrowable(() -> provider.fetch("prod/db"))).isInstanceOf(SecretsException.class)
        .hasMessageContaining("closed");
    assertThat(SSM.count("GetParameter")).isZero();
  }

  /** providers.md relies on it: the SDK's own model object masks the value. */
  @Test
  void sdkParameterToString_redactsValue() {
    assertThat(software.amazon.awssdk.services.ssm.model.Parameter.builder().name("/prod/db").value(SENTINEL)
        .build().toString()).doesNotContain(SENTINEL).contains("/prod/db");
  }

  @Test
  void toString_namesRegionAndKeyOnly() {
    assertThat(provider.toString()).startsWith("SsmSecretProvider[ssm:us-east-1@127.0.0.1:");
    assertThat(provider.id()).startsWith("ssm:us-east-1");
  }
}
