package io.secretsbroker.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Checks the benchmark and harness logic on tiny runs: counts and wiring, never timings. */
class HarnessTest {

  @ParameterizedTest
  @EnumSource(Rival.class)
  void open_twoReads_returnsSeededValueAndLoadsOnce(Rival rival) {
    try (SecretReader reader = rival.open(Rival.Setup.cached("db", "v-123"))) {
      assertThat(reader.get("db")).isEqualTo("v-123");
      assertThat(reader.get("db")).isEqualTo("v-123");
      long expected = switch (rival) {
        case SECRETSBROKER -> 1; // one fetch
        case AWS_CACHING -> 2; // DescribeSecret + GetSecretValue
        case CAFFEINE, CAFFEINE_ASYNC, CAFFEINE_ASYNC_EXPIRING, CAFFEINE_ASYNC_EXPIRING_INLINE, CAFFEINE_EXPIRING,
            DIAG_TICKER, DIAG_TICKER_COUNTER -> 0; // pre-filled, no backend
      };
      assertThat(reader.backendCalls()).as(reader.backendCallDetail()).isEqualTo(expected);
    }
  }

  @Test
  void memoryPerEntry_smallRun_oursKeepsOneCopyOfEachValue() {
    MemoryPerEntry.Result ours = MemoryPerEntry.ours(40, 1024);
    MemoryPerEntry.Result map = MemoryPerEntry.chm(40, 1024);
    assertThat(map.copiesPerEntry()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.25));
    // about 1: a few other large arrays (pool and table growth) can appear; two copies would be 2
    assertThat(ours.copiesPerEntry()).as("one copy of the value per cached secret")
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.25));
    assertThat(ours.structurePerEntry()).isPositive().isGreaterThan(map.structurePerEntry());
  }

  @Test
  void of_unknownName_namesTheChoices() {
    assertThatThrownBy(() -> Rival.of("guava")).hasMessageContaining("caffeine-async-expiring");
    assertThat(Rival.of("aws-caching")).isEqualTo(Rival.AWS_CACHING);
  }

  @ParameterizedTest
  @EnumSource(Rival.class)
  void hitPathBenchmark_trial_readsOnlyFromCache(Rival rival) {
    HitPathBenchmark b = new HitPathBenchmark();
    b.rival = rival.id();
    b.setUp();
    for (int i = 0; i < 1000; i++) {
      assertThat(b.get_1thread()).isEqualTo(HitPathBenchmark.VALUE);
    }
    b.tearDown(); // throws if the backend was called after the warm read
  }

  @Test
  void coldMiss_64Threads_secretsBrokerMakesOneProviderCallPerRound() throws Exception {
    ColdMissHarness.Result r = ColdMissHarness.run(Rival.SECRETSBROKER, 64, 3, Duration.ofMillis(20));
    assertThat(r.callsPerRound()).containsExactly(1L, 1L, 1L);
    assertThat(r.lastDetail()).isEqualTo("fetch=1");
    assertThat(r.failedReads()).isZero();
  }

  @Test
  void coldMiss_64Threads_awsCachingMakesOneDescribeAndOneGetPerRound() throws Exception {
    ColdMissHarness.Result r = ColdMissHarness.run(Rival.AWS_CACHING, 64, 2, Duration.ofMillis(20));
    assertThat(r.callsPerRound()).containsExactly(2L, 2L);
    assertThat(r.lastDetail()).isEqualTo("describe=1 get=1");
    assertThat(r.failedReads()).isZero();
  }

  @Test
  void refreshStall_shortRun_countsReadsAndReloads() throws Exception {
    RefreshStallHarness.Result r = RefreshStallHarness.run(Rival.SECRETSBROKER, "ours", 2, Duration.ofMillis(20),
        Duration.ofMillis(20), Duration.ofMillis(600), 100);
    assertThat(r.failedReads()).isZero();
    assertThat(r.reads()).isPositive();
    assertThat(r.backendCalls()).isPositive();
    assertThat(r.readsDuringRefresh()).isPositive().isLessThanOrEqualTo(r.reads());
    assertThat(r.maxDuringRefreshNanos()).isLessThanOrEqualTo(r.maxNanos());
  }

  @Test
  void stub_unknownSecret_throwsResourceNotFound() {
    StubSecretsManager stub = new StubSecretsManager().seed("a", "x");
    assertThatThrownBy(() -> stub.getSecretValue(b -> b.secretId("b")))
        .isInstanceOf(software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException.class);
    assertThat(stub.getSecretValueCalls()).isEqualTo(1);
    assertThat(stub.describeSecret(b -> b.secretId("a")).versionIdsToStages()).containsKey("v1");
  }

  @Test
  void latencyRecorder_mixedValues_percentilesCountsAndMerge() {
    LatencyRecorder a = new LatencyRecorder();
    for (int i = 0; i < 999; i++) {
      a.record(2_500); // 2 µs bucket
    }
    LatencyRecorder b = new LatencyRecorder();
    b.record(200_000_000L); // 200 ms
    a.add(b);
    assertThat(a.count()).isEqualTo(1000);
    assertThat(a.maxNanos()).isEqualTo(200_000_000L);
    assertThat(a.percentileMicros(50)).isEqualTo(3);
    assertThat(a.percentileMicros(99.9)).isEqualTo(3);
    assertThat(a.percentileMicros(100)).isEqualTo(201_000);
    assertThat(a.countAtLeastMicros(5_001)).isEqualTo(1);
    assertThat(a.countAtLeastMicros(2)).isEqualTo(1000);
  }
}
