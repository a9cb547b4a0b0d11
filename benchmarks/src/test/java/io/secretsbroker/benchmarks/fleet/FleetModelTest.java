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
  void secretsBroker_batchRefresh_oneCallPerInstancePerRefreshPeriod() {
    FleetResult r = FleetModel.run(SecretsBrokerPolicy.defaults(), FLEET);
    double expected = 3600 / (300 + 1.0); // 20 secrets, one batch call of 20
    assertThat(r.callsPerInstanceHour()).isCloseTo(expected, within(expected * 0.03));
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
