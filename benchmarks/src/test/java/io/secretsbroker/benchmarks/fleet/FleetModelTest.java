package io.secretsbroker.benchmarks.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The fleet model against closed-form expectations on small fleets: counts, never timings. */
class FleetModelTest {
  /** 500 instances x 20 secrets, 1 invocation/s; steady over hours 2-4; store down 30 min from 4 h. */
  private static final FleetScenario FLEET = FleetScenario.deployOf10k().withInstances(500);

  @Test
  void run_sameSeed_sameFigures_otherSeed_otherFigures() {
    FleetPolicy p = SecretsBrokerPolicy.defaults();
    assertThat(FleetModel.run(p, FLEET)).isEqualTo(FleetModel.run(p, FLEET));
    assertThat(FleetModel.run(p, FLEET.withSeed(43)).totalCalls()).isNotEqualTo(FleetModel.run(p, FLEET).totalCalls());
  }

  @Test
  void secretsBroker_batchRefresh_oneCallPerInstancePerRefreshPeriod_atOneDrawPerBatch() {
    FleetResult r = FleetModel.run(SecretsBrokerPolicy.defaults(), FLEET);
    // 20 secrets, one batch call of 20; the batch shares one draw uniform in [0.9, 1.1] x
    // refresh-after (mean 1.0), plus the wait for the next read (1 s)
    double expected = 3600 / (300 * 1.0 + 1.0);
    assertThat(r.callsPerInstanceHour()).isCloseTo(expected, within(expected * 0.03));
  }

  /** 1 instance x 2 secrets, started at 0, read 1,000 times a second, for 30 s; no outage. */
  private static final FleetScenario ONE = new FleetScenario(1, 2, 0, 1000, 30, 15, 30, 30, 0, 10_000, 0.05, 1);

  /** Refresh-after 10 s without jitter (so the deadlines can be computed by hand), batch refresh. */
  private static SecretsBrokerPolicy unjittered(double single, double batch) {
    return new SecretsBrokerPolicy("hand", 10, 0, 3600, 3, 20, 50, 30, 3, false, true, 20,
        CallLatency.of(single, batch));
  }

  @Test
  void secretsBroker_coldReadsOneAfterTheOther_latencyShiftsTheirRefreshDeadlinesApart() {
    // no latency: both load at 0, fall due together at 10 and 20, one batch call each time
    Tally none = FleetModel.tally(unjittered(0, 0), ONE);
    assertThat(seconds(none.callsPerSecond)).containsExactly(0, 0, 10, 20);
    assertThat(seconds(none.batchCallsPerSecond)).containsExactly(10, 20);
    // 3 s per read: calls at 0 and 3 load the entries at 3 and 6, due at 13 and 16; each refresh
    // (a single read, the other entry not due) loads 3 s later again: due at 26 and 29
    Tally slow = FleetModel.tally(unjittered(3, 0), ONE);
    assertThat(seconds(slow.callsPerSecond)).containsExactly(0, 3, 13, 16, 26, 29);
    assertThat(seconds(slow.batchCallsPerSecond)).isEmpty();
  }

  @Test
  void secretsBroker_prefetch_batchLatencyShiftsTheSharedDeadline_coldAndRefreshApart() {
    // one batch call at 0 ends at 2: due at 12, that batch ends at 14: due at 24
    Tally t = FleetModel.tally(unjittered(0, 2).withPrefetch("p"), ONE);
    assertThat(seconds(t.batchCallsPerSecond)).containsExactly(0, 12, 24);
    assertThat(seconds(t.callsPerSecond)).containsExactly(0, 12, 24);
    // the prefetch takes 2 s, a refresh batch 1 s: due at 12, that batch ends at 13: due at 23
    SecretsBrokerPolicy split = unjittered(0, 0).withLatency(new CallLatency(0, 2, 0, 1)).withPrefetch("p");
    assertThat(seconds(FleetModel.tally(split, ONE).batchCallsPerSecond)).containsExactly(0, 12, 23);
  }

  /** The second of each call, once per call, in order. */
  private static java.util.List<Integer> seconds(long[] perSecond) {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    for (int i = 0; i < perSecond.length; i++) {
      for (long c = 0; c < perSecond[i]; c++) {
        out.add(i);
      }
    }
    return out;
  }

  @Test
  void secretsBroker_perEntryRefresh_oneCallPerSecretPerRefreshPeriod() {
    FleetResult r = FleetModel.run(SecretsBrokerPolicy.defaults().withoutBatchRefresh("per-entry"), FLEET);
    // a refresh period is refresh-after (jitter averages out) plus the wait for the next read
    double expected = 20 * 3600 / (300 + 1.0);
    assertThat(r.callsPerInstanceHour()).isCloseTo(expected, within(expected * 0.02));
    assertThat(r.dollarsPerMonth()).isCloseTo(r.steadyTps() * 3600 * 730 / 10_000 * 0.05, within(1e-6));
  }

  @Test
  void secretsBroker_coldStorm_oneCallPerSecret_orOneBatchWithPrefetch() {
    SecretsBrokerPolicy ours = SecretsBrokerPolicy.defaults();
    assertThat(FleetModel.run(ours, FLEET).stormMeanTps()).isEqualTo(500 * 20 / 10.0);
    assertThat(FleetModel.run(ours.withPrefetch("p"), FLEET).stormMeanTps()).isEqualTo(500 * 1 / 10.0);
  }

  @Test
  void secretsBroker_outageShorterThanMaxStale_noInvocationFails_andTheBreakerCapsCalls() {
    FleetResult r = FleetModel.run(SecretsBrokerPolicy.defaults().withoutBatchRefresh("per-entry"), FLEET);
    assertThat(r.failedInvocationShare()).isZero();
    // per instance: 10 failures trip a window of 20 successes, then 3 probes per 30 s open period
    double perInstance = (10 + 3 * 1800 / 30.0) / 1800;
    assertThat(r.outageTps()).isCloseTo(500 * perInstance, within(500 * perInstance * 0.1));
  }

  @Test
  void secretsBroker_maxStaleShorterThanOutage_invocationsFailOnceTheFirstEntryExpires() {
    FleetResult r = FleetModel.run(SecretsBrokerPolicy.of(300, 600).withoutBatchRefresh("per-entry"), FLEET);
    // the last loads before the outage are 0-5.5 min old; expiring 10 min after their load, the
    // first entry of an instance expires about 5 min into the outage: ~80% of the outage fails
    assertThat(r.failedInvocationShare()).isBetween(0.75, 0.92);
  }

  @Test
  void powertools_fiveSecondTtl_fetchesEverySecretEveryPeriod_andFailsThroughTheOutage() {
    FleetResult r = FleetModel.run(TtlCachePolicy.powertools(), FLEET);
    double expected = 20 * 3600 / (5 + 1.0);
    assertThat(r.callsPerInstanceHour()).isCloseTo(expected, within(expected * 0.01));
    assertThat(r.failedInvocationShare()).isGreaterThan(0.99);
  }

  @Test
  void awsCachingClient_refreshesWithDescribeSecretAfterThreeQuartersOfTheTtl_andNeverFailsWarmReads() {
    FleetResult r = FleetModel.run(AwsCachingClientPolicy.defaults(), FLEET);
    double expected = 20 / 0.75; // uniform in [TTL/2, TTL] has mean 45 min
    assertThat(r.callsPerInstanceHour()).isCloseTo(expected, within(expected * 0.05));
    assertThat(r.stormMeanTps()).isEqualTo(500 * 2 * 20 / 10.0); // DescribeSecret + GetSecretValue each
    assertThat(r.failedInvocationShare()).isZero();
  }

  @Test
  void breaker_fullWindowOfSuccesses_opensAfterHalfFails_thenProbesThreeCalls() {
    Breaker b = new Breaker(20, 50, 30, 3);
    for (int i = 0; i < 20; i++) {
      b.onResult(0, true);
    }
    for (int i = 0; i < 9; i++) {
      assertThat(b.tryAcquire(1)).isTrue();
      b.onResult(1, false);
    }
    assertThat(b.tryAcquire(1)).isTrue();
    b.onResult(1, false); // the 10th failure of the last 20 calls
    assertThat(b.tryAcquire(2)).isFalse();
    assertThat(b.tryAcquire(31)).isTrue();
    assertThat(b.tryAcquire(31)).isTrue();
    assertThat(b.tryAcquire(31)).isTrue();
    assertThat(b.tryAcquire(31)).isFalse(); // only three probes while half-open
    b.onResult(31, true);
    b.onResult(31, true);
    b.onResult(31, false);
    assertThat(b.tryAcquire(31)).isTrue(); // 1 of 3 failed: under 50%, closed again
  }

  @Test
  void table_listsEveryPolicyWithItsBasis() {
    String table = FleetModel.table(FLEET.withInstances(50), FleetModel.policies());
    for (FleetPolicy p : FleetModel.policies()) {
      assertThat(table).contains("| " + p.name() + " |").contains(p.basis());
    }
  }
}
