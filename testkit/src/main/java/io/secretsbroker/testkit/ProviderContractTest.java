package io.secretsbroker.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.Rotation;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.RotationTarget;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.SecretsException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link SecretProvider} passes, in the spirit of gocloud.dev's
 * {@code drivertest}. A provider module extends it with a harness: how to make a provider over a
 * fresh backend, how to write a version straight into that backend, and how to make the backend
 * refuse access. Optional capabilities are switched off by overriding the {@code supports*}
 * methods; the tests for them are then skipped, not passed.
 *
 * <p><b>Rotation</b> cases run on every provider whose {@link SecretProvider#supportsStaging()} is
 * true, at two levels: the staging SPI itself (stage, compare-and-set promote, discard, stages), and
 * {@link SecretsClient#rotate} over it with two clients sharing the backend (concurrent rotations,
 * a second client refreshing during verify, a rotator that dies between stage and promote, a
 * failed verify after apply). Races are forced with barriers and by running the other client's
 * step inside this one's verify, never with sleeps.
 *
 * <pre>{@code
 * class AwsProviderContractTest extends ProviderContractTest {
 *   protected SecretProvider createProvider() { ... }
 *   protected String seed(String name, byte[] value) { ... }
 *   protected void denyAccess(String name) { ... }
 * }
 * }</pre>
 */
public abstract class ProviderContractTest {
  /** A value no message, log line or toString may ever contain. */
  protected static final String SENTINEL = "s3ntinel-Value-7f1c9e";

  protected SecretProvider provider;

  /** A provider over a fresh, empty backend, for one test. */
  protected abstract SecretProvider createProvider() throws Exception;

  /**
   * Writes {@code value} straight into the backend (not through the provider) as the new current
   * version of {@code name}, creating the secret if needed. Returns the new version id.
   */
  protected abstract String seed(String name, byte[] value) throws Exception;

  /** Makes the backend answer "access denied" for {@code name} from now on. */
  protected abstract void denyAccess(String name) throws Exception;

  /** Whether older versions can be read by id. */
  protected boolean supportsVersions() {
    return true;
  }

  /** Whether {@link SecretProvider#put} writes. */
  protected boolean supportsWrite() {
    return true;
  }

  /**
   * Makes the backend fail the next call the way a transient outage does (a 503, a throttling
   * answer, a dropped connection). Override to run {@code fetch_transientFailure_...}; the default
   * skips it.
   */
  protected void failNextCallTransiently(String name) throws Exception {
    assumeTrue(false, "harness cannot inject a transient failure");
  }

  /**
   * A {@code secrets.provider} URI for this provider's scheme with one unknown query parameter
   * ({@code bogus}), otherwise valid. Empty (the default) skips the check.
   */
  protected Optional<String> uriWithUnknownParameter() {
    return Optional.empty();
  }

  /** Whether values that are not UTF-8 text round-trip. */
  protected boolean supportsBinary() {
    return true;
  }

  @BeforeEach
  void openProvider() throws Exception {
    provider = createProvider();
  }

  @AfterEach
  void closeProvider() {
    if (provider != null) {
      provider.close();
    }
  }

  protected static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  protected static String text(SecretRecord r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }

  @Test
  void fetch_existingSecret_returnsCurrentValueAndVersion() throws Exception {
    String version = seed("db", utf8("hunter2-" + SENTINEL));

    SecretRecord record = provider.fetch("db");

    assertThat(text(record)).isEqualTo("hunter2-" + SENTINEL);
    assertThat(record.name()).isEqualTo("db");
    assertThat(record.versionId()).isEqualTo(version);
  }

  @Test
  void fetch_hierarchicalName_returnsValue() throws Exception {
    seed("prod/orders/db", utf8("{\"user\":\"app\",\"password\":\"" + SENTINEL + "\"}"));

    SecretRecord record = provider.fetch("prod/orders/db");

    assertThat(text(record)).contains("\"password\"").contains(SENTINEL);
    assertThat(record.name()).isEqualTo("prod/orders/db");
  }

  @Test
  void fetch_afterNewVersion_returnsNewVersion() throws Exception {
    String v1 = seed("api-key", utf8("one-" + SENTINEL));
    String v2 = seed("api-key", utf8("two-" + SENTINEL));

    SecretRecord record = provider.fetch("api-key");

    assertThat(v2).isNotEqualTo(v1);
    assertThat(record.versionId()).isEqualTo(v2);
    assertThat(text(record)).isEqualTo("two-" + SENTINEL);
  }

  @Test
  void fetchVersion_olderVersion_returnsThatVersion() throws Exception {
    assumeTrue(supportsVersions(), "provider keeps no older versions");
    String v1 = seed("api-key", utf8("one"));
    seed("api-key", utf8("two"));

    SecretRecord record = provider.fetchVersion("api-key", v1);

    assertThat(text(record)).isEqualTo("one");
    assertThat(record.versionId()).isEqualTo(v1);
  }

  @Test
  void fetchVersion_unknownVersion_throwsNotFoundWithoutValue() throws Exception {
    seed("api-key", utf8(SENTINEL));

    Throwable t = catchThrowable(() -> provider.fetchVersion("api-key", unknownVersionId()));

    assertThat(t).isInstanceOf(SecretNotFoundException.class);
    assertNoValueIn(t);
  }

  /** A version id the backend has never issued, in the provider's own format. */
  protected String unknownVersionId() {
    return "99999999";
  }

  @Test
  void fetch_missingSecret_throwsNotFoundNamingIt() {
    Throwable t = catchThrowable(() -> provider.fetch("does-not-exist"));

    assertThat(t).isInstanceOf(SecretNotFoundException.class);
    assertThat(t.getMessage()).contains("does-not-exist");
  }

  @Test
  void fetch_deniedSecret_throwsAccessDeniedWithoutValue() throws Exception {
    seed("locked", utf8(SENTINEL));
    denyAccess("locked");

    Throwable t = catchThrowable(() -> provider.fetch("locked"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class);
    assertThat(t.getMessage()).contains("locked");
    assertNoValueIn(t);
  }

  @Test
  void put_newValue_becomesCurrentVersion() throws Exception {
    assumeTrue(supportsWrite(), "provider is read-only");
    String v1 = seed("rotating", utf8("old"));

    SecretRecord written = provider.put("rotating", utf8("new-" + SENTINEL));
    SecretRecord current = provider.fetch("rotating");

    assertThat(written.versionId()).isNotNull().isNotEqualTo(v1);
    assertThat(current.versionId()).isEqualTo(written.versionId());
    assertThat(text(current)).isEqualTo("new-" + SENTINEL);
    assertThat(written.toString()).doesNotContain(SENTINEL);
  }

  @Test
  void put_previousVersion_staysReadable() throws Exception {
    assumeTrue(supportsWrite() && supportsVersions(), "needs write and versions");
    String v1 = seed("rotating", utf8("old"));

    provider.put("rotating", utf8("new"));

    assertThat(text(provider.fetchVersion("rotating", v1))).isEqualTo("old");
  }

  @Test
  void fetchAll_someMissing_returnsOnlyFound() throws Exception {
    seed("a", utf8("value-a"));
    seed("b", utf8("value-b"));

    Map<String, SecretRecord> all = provider.fetchAll(new LinkedHashSet<>(List.of("a", "b", "missing")));

    assertThat(all).containsOnlyKeys("a", "b");
    assertThat(text(all.get("a"))).isEqualTo("value-a");
    assertThat(text(all.get("b"))).isEqualTo("value-b");
  }

  @Test
  void fetchAll_noNames_returnsEmpty() {
    assertThat(provider.fetchAll(Set.of())).isEmpty();
  }

  @Test
  void fetch_binaryValue_roundTrips() throws Exception {
    assumeTrue(supportsBinary(), "provider stores text only");
    byte[] binary = {0, 1, 2, (byte) 0xff, (byte) 0xfe, (byte) 0x80, 10, 13};
    seed("binary", binary);

    assertThat(provider.fetch("binary").value()).containsExactly(binary);
  }

  @Test
  void fetch_unicodeText_roundTrips() throws Exception {
    String text = "pässwörd-密码-🔑";
    seed("unicode", utf8(text));

    assertThat(text(provider.fetch("unicode"))).isEqualTo(text);
  }

  @Test
  void fetch_invalidNames_rejectedWithSecretsException() {
    for (String bad : List.of("", "../etc/passwd", "a/../b", "bad\nname", "x".repeat(513))) {
      Throwable t = catchThrowable(() -> provider.fetch(bad));
      assertThat(t).as("name %s", bad.length() > 20 ? bad.substring(0, 20) + "..." : bad)
          .isInstanceOf(SecretsException.class);
    }
  }

  @Test
  void record_toString_doesNotShowValue() throws Exception {
    seed("masked", utf8(SENTINEL));

    assertThat(provider.fetch("masked").toString()).doesNotContain(SENTINEL);
  }

  @Test
  void close_twice_isHarmless() throws Exception {
    seed("db", utf8(SENTINEL));
    provider.close();

    assertThat(catchThrowable(provider::close)).as("second close").isNull();
    Throwable afterClose = catchThrowable(() -> provider.fetch("db"));
    if (afterClose != null) { // some drivers still answer after close; none may throw an SDK exception
      assertThat(afterClose).isInstanceOf(SecretsException.class);
      assertNoValueIn(afterClose);
    }
  }

  @Test
  void fetch_afterClose_failsWithSecretsExceptionOnly() throws Exception {
    seed("db", utf8(SENTINEL));
    provider.close();

    Throwable t = catchThrowable(() -> {
      provider.fetch("db");
      provider.fetchAll(Set.of("db"));
    });

    if (t != null) {
      assertThat(t).isInstanceOf(SecretsException.class);
      assertNoValueIn(t);
    }
  }

  @Test
  void fetch_transientFailure_isProviderUnavailable() throws Exception {
    seed("flaky", utf8(SENTINEL));
    failNextCallTransiently("flaky");

    Throwable t = catchThrowable(() -> provider.fetch("flaky"));

    assertThat(t).isInstanceOf(ProviderUnavailableException.class);
    assertNoValueIn(t);
  }

  @Test
  void fetch_eachCall_returnsAFreshArray() throws Exception {
    seed("db", utf8("fresh-" + SENTINEL));

    SecretRecord first = provider.fetch("db");
    SecretRecord second = provider.fetch("db");
    java.util.Arrays.fill(first.value(), (byte) 0); // the client zeroes what it is given

    assertThat(second.value()).isNotSameAs(first.value());
    assertThat(text(second)).isEqualTo("fresh-" + SENTINEL);
    assertThat(text(provider.fetch("db"))).isEqualTo("fresh-" + SENTINEL);
  }

  @Test
  void create_unknownUriParameter_isRefusedNamingIt() {
    Optional<String> uri = uriWithUnknownParameter();
    assumeTrue(uri.isPresent(), "harness gives no URI");
    ProviderUri parsed = ProviderUri.parse(uri.get(), Map.of());
    SecretProviderFactory factory = ServiceLoader.load(SecretProviderFactory.class).stream()
        .map(ServiceLoader.Provider::get).filter(f -> f.schemes().contains(parsed.scheme())).findFirst()
        .orElseThrow(() -> new AssertionError("no factory for " + parsed.scheme()));

    Throwable t = catchThrowable(() -> factory.create(parsed).close());

    assertThat(t).isInstanceOf(ConfigurationException.class);
    assertThat(t.getMessage()).contains("bogus");
  }

  @Test
  void fetch_concurrentCallers_allGetTheCurrentValue() throws Exception {
    String version = seed("shared", utf8("concurrent-" + SENTINEL));
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<List<String>>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<List<String>> reader = () -> {
          start.await(30, TimeUnit.SECONDS);
          List<String> seen = new ArrayList<>();
          for (int j = 0; j < 10; j++) {
            SecretRecord r = provider.fetch("shared");
            seen.add(r.versionId() + ":" + text(r));
          }
          return seen;
        };
        results.add(pool.submit(reader));
      }
      for (Future<List<String>> f : results) {
        assertThat(f.get(60, TimeUnit.SECONDS)).hasSize(10).containsOnly(version + ":concurrent-" + SENTINEL);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void id_isNotBlank() {
    assertThat(provider.id()).isNotBlank();
  }

  // ------------------------------------------------------------------ rotation: the staging SPI

  /** Whether {@link SecretProvider#fetchStage} knows {@link VersionStage#PREVIOUS} after a promotion. */
  protected boolean supportsPreviousStage() {
    return true;
  }

  private void assumeStaging() {
    assumeTrue(provider.supportsStaging(), "provider cannot stage");
  }

  @Test
  void stage_candidate_pendingReadableCurrentUntouched() throws Exception {
    assumeStaging();
    String v1 = seed("rotating", utf8("old-" + SENTINEL));

    SecretRecord pending = provider.stage("rotating", v1, utf8("new-" + SENTINEL));

    assertThat(pending.versionId()).isNotNull().isNotEqualTo(v1);
    assertThat(pending.toString()).doesNotContain(SENTINEL);
    assertThat(text(provider.fetch("rotating"))).isEqualTo("old-" + SENTINEL);
    assertThat(provider.fetch("rotating").versionId()).isEqualTo(v1);
    assertThat(text(provider.fetchStage("rotating", VersionStage.PENDING))).isEqualTo("new-" + SENTINEL);
    assertThat(text(provider.fetchStage("rotating", VersionStage.CURRENT))).isEqualTo("old-" + SENTINEL);
  }

  @Test
  void promote_expectedCurrent_candidateBecomesCurrent_previousKept() throws Exception {
    assumeStaging();
    String v1 = seed("rotating", utf8("old"));
    SecretRecord pending = provider.stage("rotating", v1, utf8("new"));

    SecretRecord promoted = provider.promote("rotating", pending.versionId(), v1);

    assertThat(text(provider.fetch("rotating"))).isEqualTo("new");
    assertThat(provider.fetch("rotating").versionId()).isEqualTo(promoted.versionId()).isNotEqualTo(v1);
    assertThatThrownBy(() -> provider.fetchStage("rotating", VersionStage.PENDING))
        .isInstanceOf(SecretNotFoundException.class);
    if (supportsPreviousStage()) {
      assertThat(text(provider.fetchStage("rotating", VersionStage.PREVIOUS))).isEqualTo("old");
    }
  }

  @Test
  void stage_currentMovedOn_conflictAndNothingStaged() throws Exception {
    assumeStaging();
    String v1 = seed("rotating", utf8("one"));
    seed("rotating", utf8("two"));

    Throwable t = catchThrowable(() -> provider.stage("rotating", v1, utf8("three-" + SENTINEL)));

    assertThat(t).isInstanceOf(RotationConflictException.class);
    assertNoValueIn(t);
    assertThat(text(provider.fetch("rotating"))).isEqualTo("two");
    assertThatThrownBy(() -> provider.fetchStage("rotating", VersionStage.PENDING))
        .isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void promote_anotherWriterWonMeanwhile_conflictAndWinnerStays() throws Exception {
    assumeStaging();
    String v1 = seed("rotating", utf8("one"));
    SecretRecord pending = provider.stage("rotating", v1, utf8("mine-" + SENTINEL));
    seed("rotating", utf8("winner"));

    Throwable t = catchThrowable(() -> provider.promote("rotating", pending.versionId(), v1));

    assertThat(t).isInstanceOf(RotationConflictException.class);
    assertNoValueIn(t);
    assertThat(text(provider.fetch("rotating"))).isEqualTo("winner");
  }

  @Test
  void stage_missingSecret_notFoundAndNotCreated() {
    assumeStaging();

    assertThatThrownBy(() -> provider.stage("never-created", "1", utf8("x")))
        .isInstanceOf(SecretNotFoundException.class);
    assertThatThrownBy(() -> provider.fetch("never-created")).isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void discardPending_dropsCandidate_idempotent_currentUntouched() throws Exception {
    assumeStaging();
    String v1 = seed("rotating", utf8("old"));
    SecretRecord pending = provider.stage("rotating", v1, utf8("new"));

    provider.discardPending("rotating", pending.versionId());
    provider.discardPending("rotating", pending.versionId());

    assertThatThrownBy(() -> provider.fetchStage("rotating", VersionStage.PENDING))
        .isInstanceOf(SecretNotFoundException.class);
    assertThat(text(provider.fetch("rotating"))).isEqualTo("old");
    assertThat(provider.fetch("rotating").versionId()).isEqualTo(v1);
  }

  // ------------------------------------------------------------------ rotation through the client

  /** A client over {@link #provider} that does not close it (several clients share one backend). */
  protected SecretsClient client() {
    SecretsClient c = SecretsClient.builder().provider(new Shared(provider)).ambientConfiguration(false)
        .executor(Runnable::run).build();
    clients.add(c);
    return c;
  }

  /** A client with {@code alias} mapped to {@code target} (e.g. {@code db -> orders/db#password}). */
  protected SecretsClient client(String alias, String target) {
    SecretsClient c = SecretsClient.builder().provider(new Shared(provider)).ambientConfiguration(false)
        .property("secrets.alias." + alias, target).executor(Runnable::run).build();
    clients.add(c);
    return c;
  }

  private final List<SecretsClient> clients = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(SecretsClient::close);
  }

  /** Thrown from a verifier to play a rotator that dies between stage and promote. */
  protected static final class RotatorDied extends Error {
    private static final long serialVersionUID = 1L;

    RotatorDied() {
      super("rotator killed between stage and promote", null, false, false);
    }
  }

  @Test
  void rotate_missingSecret_notFoundOnEveryStore() {
    assumeStaging();
    SecretsClient c = client();

    assertThatThrownBy(() -> c.rotate("never-created", Rotation.defaults()))
        .isInstanceOf(SecretNotFoundException.class).hasMessageContaining("never-created");
    assertThatThrownBy(() -> provider.fetch("never-created")).isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void rotate_twoConcurrentRotations_exactlyOnePromotes_storeHoldsWinner() throws Exception {
    assumeStaging();
    seed("db", utf8("start"));
    SecretsClient a = client();
    SecretsClient b = client();
    CyclicBarrier bothVerifying = new CyclicBarrier(2);
    Rotation r = Rotation.builder().verify(v -> bothVerifying.await(30, TimeUnit.SECONDS)).build();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<CompletableFuture<Object>> runs = new ArrayList<>();
      for (SecretsClient c : List.of(a, b)) {
        runs.add(CompletableFuture.supplyAsync(() -> {
          try {
            return c.rotate("db", r);
          } catch (RuntimeException e) {
            return e;
          }
        }, pool));
      }
      List<Object> outcomes = new ArrayList<>();
      for (CompletableFuture<Object> f : runs) {
        outcomes.add(f.get(60, TimeUnit.SECONDS));
      }
      List<SecretValue> won = outcomes.stream().filter(SecretValue.class::isInstance).map(SecretValue.class::cast)
          .toList();
      List<Object> lost = outcomes.stream().filter(o -> !(o instanceof SecretValue)).toList();
      assertThat(won).hasSize(1);
      assertThat(lost).hasSize(1).first().isInstanceOf(RotationConflictException.class);
      assertThat(text(provider.fetch("db"))).isEqualTo(won.get(0).asString());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rotate_secondClientRefreshingDuringVerify_neverSeesCandidate_listenersOnlyPromoted() throws Exception {
    assumeStaging();
    seed("db", utf8("old-password"));
    SecretsClient rotator = client();
    SecretsClient reader = client();
    assertThat(reader.get("db")).isEqualTo("old-password");
    List<String> announced = new CopyOnWriteArrayList<>();
    reader.onRotate("db", v -> announced.add(v.asString()));
    List<String> seenDuringVerify = new ArrayList<>();

    assertThatThrownBy(() -> rotator.rotate("db", Rotation.builder().verify(candidate -> {
      reader.refresh("db");
      seenDuringVerify.add(reader.get("db"));
      throw new IllegalStateException("database refused the login");
    }).build())).isInstanceOf(RotationFailedException.class);
    reader.refresh("db");
    assertThat(seenDuringVerify).containsExactly("old-password");
    assertThat(reader.get("db")).isEqualTo("old-password");
    assertThat(announced).isEmpty();

    SecretValue rotated = rotator.rotate("db", Rotation.builder().verify(candidate -> {
      reader.refresh("db");
      seenDuringVerify.add(reader.get("db"));
    }).build());
    reader.refresh("db");
    reader.refresh("db");
    assertThat(seenDuringVerify).containsExactly("old-password", "old-password");
    assertThat(reader.get("db")).isEqualTo(rotated.asString());
    assertThat(announced).containsExactly(rotated.asString());
  }

  @Test
  void rotate_rotatorDiedBetweenStageAndPromote_pendingReadable_nextRotateResumesIt() throws Exception {
    assumeStaging();
    seed("db", utf8("old-password"));
    SecretsClient dying = client();
    List<String> staged = new ArrayList<>();
    assertThatThrownBy(() -> dying.rotate("db", Rotation.builder().verify(candidate -> {
      staged.add(candidate.asString());
      throw new RotatorDied();
    }).build())).isInstanceOf(RotatorDied.class);

    SecretsClient next = client();
    assertThat(next.get("db")).isEqualTo("old-password");
    assertThat(next.value("db", VersionStage.PENDING).asString()).isEqualTo(staged.get(0));
    List<String> applied = new ArrayList<>();
    SecretValue resumed = next.rotate("db", Rotation.builder().target(new RotationTarget() {
      @Override
      public void apply(SecretValue candidate, SecretValue current) {
        applied.add(candidate.asString());
      }
    }).build());

    assertThat(resumed.asString()).isEqualTo(staged.get(0));
    assertThat(applied).containsExactly(staged.get(0));
    assertThat(text(provider.fetch("db"))).isEqualTo(staged.get(0));
    assertThatThrownBy(() -> provider.fetchStage("db", VersionStage.PENDING))
        .isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void rotate_rotatorDiedBetweenStageAndPromote_discardOption_rotatesAfresh() throws Exception {
    assumeStaging();
    seed("db", utf8("old-password"));
    List<String> staged = new ArrayList<>();
    assertThatThrownBy(() -> client().rotate("db", Rotation.builder().verify(candidate -> {
      staged.add(candidate.asString());
      throw new RotatorDied();
    }).build())).isInstanceOf(RotatorDied.class);

    SecretValue fresh = client().rotate("db", Rotation.builder().onPending(Rotation.Pending.DISCARD).build());

    assertThat(fresh.asString()).isNotEqualTo(staged.get(0)).isNotEqualTo("old-password");
    assertThat(text(provider.fetch("db"))).isEqualTo(fresh.asString());
    assertThatThrownBy(() -> provider.fetchStage("db", VersionStage.PENDING))
        .isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void rotate_verifyFailsAfterApply_previousReappliedOnTarget_pendingDiscarded() throws Exception {
    assumeStaging();
    String v1 = seed("db", utf8("old-password"));
    List<String> target = new ArrayList<>();

    Throwable t = catchThrowable(() -> client().rotate("db", Rotation.builder().target(new RotationTarget() {
      @Override
      public void apply(SecretValue candidate, SecretValue current) {
        target.add(candidate.asString());
      }

      @Override
      public void verify(SecretValue candidate) {
        throw new IllegalStateException("login with the new password failed");
      }
    }).build()));

    assertThat(t).isInstanceOf(RotationFailedException.class).isNotInstanceOf(RotationConflictException.class);
    assertThat(t.getMessage()).doesNotContain("old-password").contains("db");
    assertThat(target).hasSize(2);
    assertThat(target.get(1)).isEqualTo("old-password");
    assertThat(provider.fetch("db").versionId()).isEqualTo(v1);
    assertThat(text(provider.fetch("db"))).isEqualTo("old-password");
    assertThatThrownBy(() -> provider.fetchStage("db", VersionStage.PENDING))
        .isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void rotate_lostCompareAndSet_conflictNamesWinner_targetSetToWinnersValue() throws Exception {
    assumeStaging();
    seed("db", utf8("old-password"));
    SecretsClient other = client();
    List<String> target = new ArrayList<>();
    SecretValue[] winner = new SecretValue[1];

    Throwable t = catchThrowable(() -> client().rotate("db", Rotation.builder().target(new RotationTarget() {
      @Override
      public void apply(SecretValue candidate, SecretValue current) {
        target.add(candidate.asString());
      }

      @Override
      public void verify(SecretValue candidate) {
        winner[0] = other.rotate("db", Rotation.builder().onPending(Rotation.Pending.DISCARD).build());
      }
    }).build()));

    assertThat(t).isInstanceOf(RotationConflictException.class);
    assertThat(t.getMessage()).contains(winner[0].versionId());
    assertThat(text(provider.fetch("db"))).isEqualTo(winner[0].asString());
    assertThat(target).hasSize(2);
    assertThat(target.get(1)).isEqualTo(winner[0].asString());
  }

  @Test
  void rotate_aliasField_staysJsonObject_untouchedOnFailure() throws Exception {
    assumeStaging();
    seed("orders/db", utf8("{\"user\":\"app\",\"password\":\"old-password\"}"));
    SecretsClient c = client("db", "orders/db#password");
    byte[] before = provider.fetch("orders/db").value();

    assertThatThrownBy(() -> c.rotate("db", Rotation.builder().verify(v -> {
      throw new IllegalStateException("rejected");
    }).build())).isInstanceOf(RotationFailedException.class);
    assertThat(provider.fetch("orders/db").value()).isEqualTo(before);

    SecretValue rotated = c.rotate("db", Rotation.builder().generator(v -> "fresh-password-123").build());
    Map<String, Object> json = new com.fasterxml.jackson.databind.ObjectMapper()
        .readValue(provider.fetch("orders/db").value(), Map.class);
    assertThat(json).containsEntry("user", "app").containsEntry("password", "fresh-password-123");
    assertThat(c.get("db")).isEqualTo("fresh-password-123");
    assertThat(rotated.field("user")).isEqualTo("app");
  }

  @Test
  void rotate_throwingGenerator_rotationFailedAndNothingStaged() throws Exception {
    assumeStaging();
    String v1 = seed("db", utf8("old-password"));

    assertThatThrownBy(() -> client().rotate("db", Rotation.builder().generator(v -> {
      throw new IllegalStateException("no entropy");
    }).build())).isInstanceOf(RotationFailedException.class).hasMessageContaining("generator");
    assertThat(provider.fetch("db").versionId()).isEqualTo(v1);
    assertThatThrownBy(() -> provider.fetchStage("db", VersionStage.PENDING))
        .isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void value_previousAfterRotation_readsTheReplacedValue() throws Exception {
    assumeStaging();
    assumeTrue(supportsPreviousStage(), "no PREVIOUS stage");
    seed("db", utf8("old-password"));
    SecretsClient c = client();

    c.rotate("db", Rotation.defaults());

    assertThat(c.value("db", VersionStage.PREVIOUS).asString()).isEqualTo("old-password");
    assertThat(c.value("db", VersionStage.PREVIOUS).toString()).doesNotContain("old-password");
    assertThatThrownBy(() -> c.value("db", VersionStage.PENDING)).isInstanceOf(SecretNotFoundException.class);
  }

  /** Delegates every SPI call to a provider and never closes it. */
  private static final class Shared implements SecretProvider {
    private final SecretProvider p;

    Shared(SecretProvider p) {
      this.p = p;
    }

    @Override
    public String id() {
      return p.id();
    }

    @Override
    public SecretRecord fetch(String name) {
      return p.fetch(name);
    }

    @Override
    public SecretRecord fetchVersion(String name, String versionId) {
      return p.fetchVersion(name, versionId);
    }

    @Override
    public Map<String, SecretRecord> fetchAll(Set<String> names) {
      return p.fetchAll(names);
    }

    @Override
    public SecretRecord put(String name, byte[] value) {
      return p.put(name, value);
    }

    @Override
    public boolean supportsStaging() {
      return p.supportsStaging();
    }

    @Override
    public SecretRecord fetchStage(String name, VersionStage stage) {
      return p.fetchStage(name, stage);
    }

    @Override
    public SecretRecord stage(String name, String expectedCurrentVersionId, byte[] value) {
      return p.stage(name, expectedCurrentVersionId, value);
    }

    @Override
    public SecretRecord promote(String name, String pendingVersionId, String expectedCurrentVersionId) {
      return p.promote(name, pendingVersionId, expectedCurrentVersionId);
    }

    @Override
    public void discardPending(String name, String pendingVersionId) {
      p.discardPending(name, pendingVersionId);
    }

    @Override
    public void close() {
      // the test closes the provider itself
    }
  }

  /** Asserts no message or cause in the chain mentions {@link #SENTINEL}. */
  protected static void assertNoValueIn(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      assertThat(String.valueOf(c.getMessage())).doesNotContain(SENTINEL);
      assertThat(c.toString()).doesNotContain(SENTINEL);
    }
  }

  /** For subclasses: asserts {@code call} throws {@code type} without leaking the sentinel. */
  protected static void assertThrowsWithoutValue(Class<? extends Throwable> type, Runnable call) {
    assertThatThrownBy(call::run).isInstanceOf(type);
    assertNoValueIn(catchThrowable(call::run));
  }
}
