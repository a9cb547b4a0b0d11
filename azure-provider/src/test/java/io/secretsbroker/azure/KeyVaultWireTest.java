package io.secretsbroker.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.credential.TokenRequestContext;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.spi.SecretRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Key Vault specifics beyond the contract suite, on the wire: the bearer challenge, throttling with
 * Retry-After, 5xx, timeouts, disabled/expired/not-yet-valid secrets, metadata, bounded fan-out,
 * binary values and case collisions. No test sleeps: a throttling answer carries its Retry-After to the portable retry, and
 * concurrency is observed with latches in the fake.
 */
class KeyVaultWireTest {
  private static final String SENTINEL = "s3ntinel-Value-7f1c9e";
  private static final Instant NOW = Instant.parse("2030-01-15T10:00:00Z");

  private FakeKeyVault vault;
  private TestCredential credential;
  private KeyVaultSecretProvider provider;

  @BeforeEach
  void start() {
    vault = new FakeKeyVault();
    credential = new TestCredential();
    provider = provider("localhost", "10");
  }

  @AfterEach
  void stop() {
    provider.close();
    vault.close();
  }

  private KeyVaultSecretProvider provider(String host, String timeout) {
    return AzureProviderContractTest.provider(vault, credential, host, timeout, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private String seed(String vaultName, String value) {
    return vault.seed(vaultName, value, null, true, null, null);
  }

  @Test
  void fetch_freshAuthority_answersChallengeWithTokenForChallengedResourceAndTenant() {
    // 127.0.0.1:port is used by no other test, so the SDK has no cached challenge for it.
    KeyVaultSecretProvider fresh = provider("127.0.0.1", "10");
    seed("db", "v1-" + SENTINEL);

    SecretRecord first = fresh.fetch("db");
    SecretRecord second = fresh.fetch("db");

    assertThat(first.value()).isEqualTo(("v1-" + SENTINEL).getBytes(StandardCharsets.UTF_8));
    assertThat(second.versionId()).isEqualTo(first.versionId());
    assertThat(vault.challenged).hasValue(1);
    List<ServeEvent> events = new ArrayList<>(vault.server.getAllServeEvents());
    events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
    assertThat(events).hasSize(3);
    assertThat(events.get(0).getRequest().containsHeader("Authorization")).isFalse();
    assertThat(events.get(0).getResponse().getStatus()).isEqualTo(401);
    assertThat(events.get(1).getRequest().getHeader("Authorization")).isEqualTo("Bearer " + FakeKeyVault.TOKEN);
    assertThat(events.get(1).getRequest().getUrl()).startsWith("/secrets/db").contains("api-version=");
    TokenRequestContext asked = credential.requests.get(0);
    assertThat(asked.getScopes()).containsExactly("https://vault.azure.net/.default");
    assertThat(asked.getTenantId()).isEqualTo("tenant");
    fresh.close();
  }

  @Test
  void put_freshAuthority_sendsBodyOnlyOnAuthorisedRetry() {
    KeyVaultSecretProvider fresh = provider("127.0.0.1", "10");

    SecretRecord written = fresh.put("prod/orders/db", ("new-" + SENTINEL).getBytes(StandardCharsets.UTF_8));

    List<ServeEvent> puts = vault.server.getAllServeEvents().stream()
        .filter(e -> e.getRequest().getMethod().getName().equals("PUT"))
        .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
    assertThat(puts).hasSize(2);
    assertThat(puts.get(0).getRequest().getUrl()).startsWith("/secrets/prod--orders--db?");
    assertThat(puts.get(0).getRequest().getBody()).isEmpty();
    assertThat(puts.get(1).getRequest().getBodyAsString()).contains("new-" + SENTINEL);
    assertThat(fresh.fetch("prod/orders/db").versionId()).isEqualTo(written.versionId());
    assertThat(written.toString()).doesNotContain(SENTINEL);
    fresh.close();
  }

  @Test
  void fetch_throttledWithShortRetryAfter_throwsUnavailableCarryingTheHint_withoutWaiting() {
    seed("db", "value");
    vault.server.stubFor(get(urlPathMatching("/secrets/db/?")).atPriority(1)
        .withHeader("Authorization", matching("Bearer .*"))
        .inScenario("throttle").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok")
        .willReturn(FakeKeyVault.error(429, "Throttled", "Rate limit exceeded.", null).withHeader("Retry-After", "1")));

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("throttling");
    assertThat(((ProviderUnavailableException) t).retryAfter()).contains(Duration.ofSeconds(1));
    assertThat(new String(provider.fetch("db").value(), StandardCharsets.UTF_8)).isEqualTo("value"); // the retry
  }

  @Test
  void fetch_throttledWithMillisecondHint_readsTheAzureHeader() {
    vault.server.stubFor(get(urlPathMatching("/secrets/db/?")).atPriority(1)
        .withHeader("Authorization", matching("Bearer .*"))
        .willReturn(FakeKeyVault.error(429, "Throttled", "Rate limit exceeded.", null)
            .withHeader("x-ms-retry-after-ms", "250")));

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(((ProviderUnavailableException) t).retryAfter()).contains(Duration.ofMillis(250));
  }

  @Test
  void fetch_throttledWithLongRetryAfter_throwsUnavailableWithoutWaiting() {
    vault.server.stubFor(get(urlPathMatching("/secrets/db/?")).atPriority(1)
        .withHeader("Authorization", matching("Bearer .*"))
        .willReturn(FakeKeyVault.error(429, "Throttled", "Rate limit exceeded.", null).withHeader("Retry-After", "30")));

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("throttling")
        .hasMessageContaining("'db'");
    assertThat(((ProviderUnavailableException) t).retryAfter()).contains(Duration.ofSeconds(30));
  }

  @Test
  void fetch_serverError_throwsUnavailable() {
    vault.server.stubFor(get(urlPathMatching("/secrets/db/?")).atPriority(1)
        .withHeader("Authorization", matching("Bearer .*"))
        .willReturn(FakeKeyVault.error(500, "InternalServerError", "Something went wrong.", null)));

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("500")
        .hasMessageContaining("test-vault");
  }

  @Test
  void fetch_slowAnswer_timesOutAsUnavailable() {
    KeyVaultSecretProvider impatient = provider("localhost", "PT0.3S");
    seed("db", "value");
    vault.server.stubFor(get(urlPathMatching("/secrets/db/?")).atPriority(1)
        .withHeader("Authorization", matching("Bearer .*"))
        .willReturn(aResponse().withStatus(200).withFixedDelay(3_000).withBody("{}")));

    Throwable t = catchThrowable(() -> impatient.fetch("db"));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("'db'");
    impatient.close();
  }

  @Test
  void fetch_disabledSecret_throwsAccessDeniedSayingDisabled() {
    vault.seed("db", SENTINEL, null, false, null, null);

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("disabled")
        .hasMessageContaining("'db'");
    assertNoValue(t);
  }

  @Test
  void fetch_expiredSecret_throwsAccessDeniedSayingExpired() {
    vault.seed("db", SENTINEL, null, true, NOW.minus(1, ChronoUnit.DAYS), null);

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("expired")
        .hasMessageContaining("'db'");
    assertNoValue(t);
  }

  @Test
  void fetch_notYetValidSecret_throwsAccessDeniedNamingNotBefore() {
    vault.seed("db", SENTINEL, null, true, null, NOW.plus(1, ChronoUnit.DAYS));

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("notBefore");
  }

  @Test
  void fetch_expiringSoon_returnsValueWithMetadataAndWarnsOnceByName() {
    Instant expires = NOW.plus(10, ChronoUnit.DAYS);
    Instant notBefore = NOW.minus(1, ChronoUnit.DAYS);
    vault.seed("db", SENTINEL, "text/plain", true, expires, notBefore);
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    SecretRecord record;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      record = provider.fetch("db");
      provider.fetch("db");
    } finally {
      System.setErr(original);
    }

    assertThat(record.expiresOn()).isEqualTo(expires.truncatedTo(ChronoUnit.SECONDS));
    assertThat(record.metadata()).containsEntry("contentType", "text/plain").containsEntry("enabled", "true")
        .containsEntry("expiresOn", expires.toString()).containsEntry("notBefore", notBefore.toString());
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("WARN").contains("Secret 'db'").contains("expires on " + expires).doesNotContain(SENTINEL);
    assertThat(log.split("expires on", -1)).hasSize(2);
  }

  @Test
  void fetch_forbidden_namesSecretsUserRole() {
    seed("db", SENTINEL);
    vault.deny("db");

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("Key Vault Secrets User").hasMessageContaining("ForbiddenByRbac");
    assertNoValue(t);
  }

  @Test
  void put_forbidden_namesSecretsOfficerRole() {
    vault.deny("db");

    Throwable t = catchThrowable(() -> provider.put("db", SENTINEL.getBytes(StandardCharsets.UTF_8)));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("Key Vault Secrets Officer");
    assertNoValue(t);
  }

  @Test
  void fetch_missing_throwsNotFoundNamingVaultName() {
    Throwable t = catchThrowable(() -> provider.fetch("prod/orders/db"));

    assertThat(t).isInstanceOf(SecretNotFoundException.class).hasMessageContaining("'prod/orders/db'")
        .hasMessageContaining("'prod--orders--db'").hasMessageContaining("test-vault");
  }

  @Test
  void put_binaryValue_storedAsBase64OctetStreamAndReadBack() {
    byte[] binary = {0, (byte) 0xff, (byte) 0xfe, 1, 2};

    provider.put("blob", binary);

    ServeEvent put = vault.server.getAllServeEvents().stream()
        .filter(e -> e.getRequest().getMethod().getName().equals("PUT") && e.getRequest().getBody().length > 0)
        .findFirst().orElseThrow();
    assertThat(put.getRequest().getBodyAsString()).contains("AP/+AQI=").contains("application/octet-stream");
    assertThat(provider.fetch("blob").value()).containsExactly(binary);
  }

  @Test
  void fetch_endpointWithPath_sendsRequestsUnderThatPath() {
    KeyVaultConfig config = KeyVaultConfig.from(io.secretsbroker.spi.ProviderUri.parse("azure://orders?endpoint="
        + vault.endpoint("localhost") + "/orders-keyvault&credential=emulator"));
    KeyVaultSecretProvider multiVault = new KeyVaultSecretProvider(config, credential,
        KeyVaultSecretProvider.httpClient(java.net.http.HttpClient.newBuilder()
            .sslContext(TestTls.trustingTestCertificate()), config.timeout()), Clock.systemUTC());

    catchThrowable(() -> multiVault.fetch("db")); // the fake serves one vault at the root: any answer will do

    assertThat(vault.server.getAllServeEvents()).isNotEmpty().allSatisfy(e ->
        assertThat(e.getRequest().getUrl()).startsWith("/orders-keyvault/secrets/db"));
    multiVault.close();
  }

  @Test
  void put_andFetch_logNoRestrictedHeaderWarning() {
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.err;
    System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      SecretRecord written = provider.put("quiet", ("write-" + SENTINEL).getBytes(StandardCharsets.UTF_8));
      assertThat(provider.fetch("quiet").versionId()).isEqualTo(written.versionId());
    } finally {
      System.setErr(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("restricted").doesNotContain(SENTINEL);
    ServeEvent put = vault.server.getAllServeEvents().stream()
        .filter(e -> e.getRequest().getMethod().getName().equals("PUT") && e.getRequest().getBody().length > 0)
        .findFirst().orElseThrow();
    assertThat(put.getRequest().getBodyAsString()).contains("write-" + SENTINEL);
  }

  @Test
  void fetch_secondSpellingDifferingInCase_isRefused() {
    seed("db", "value");
    provider.fetch("DB");

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(SecretsException.class).hasMessageContaining("'DB'").hasMessageContaining("'db'")
        .hasMessageContaining("ignores case");
  }

  @Test
  void fetchAll_manyNames_oneGetPerNameAndNeverLists() {
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < 20; i++) {
      names.add("s" + i);
      seed("s" + i, "v" + i);
    }
    names.add("missing");

    Map<String, SecretRecord> result = provider.fetchAll(names);

    assertThat(result).hasSize(20).containsKeys("s0", "s19").doesNotContainKey("missing");
    assertThat(new String(result.get("s7").value(), StandardCharsets.UTF_8)).isEqualTo("v7");
    assertThat(vault.server.getAllServeEvents()).allSatisfy(e ->
        assertThat(e.getRequest().getUrl()).matches("/secrets/(s\\d+|missing)/?\\?api-version=.*"));
  }

  @Test
  void fetchAll_oneDenied_throwsAccessDenied() {
    seed("a", "1");
    seed("b", "2");
    vault.deny("b");

    Throwable t = catchThrowable(() -> provider.fetchAll(new LinkedHashSet<>(List.of("a", "b", "c"))));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("'b'");
  }

  @Test
  void fetchVersion_malformedId_throwsNotFoundWithoutCall() {
    Throwable t = catchThrowable(() -> provider.fetchVersion("db", "../other"));

    assertThat(t).isInstanceOf(SecretNotFoundException.class).hasMessageContaining("'../other'");
    assertThat(vault.server.getAllServeEvents()).isEmpty();
  }

  private static void assertNoValue(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      assertThat(String.valueOf(c.getMessage())).doesNotContain(SENTINEL);
      assertThat(c.toString()).doesNotContain(SENTINEL);
    }
  }
}
