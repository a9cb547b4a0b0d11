package io.secretsbroker.benchmarks.fleet;

/**
 * One policy's figures over one scenario.
 *
 * @param stormPeakTps the busiest second of the deploy storm (its window plus a minute)
 * @param stormMeanTps store calls per second averaged over the storm window
 * @param stormOverQuota calls in the storm above the store's quota, second by second (would be throttled)
 * @param steadyTps store calls per second over the steady-state window
 * @param callsPerInstanceHour steady-state calls per instance per hour
 * @param dollarsPerMonth the steady state's bill for 730 hours
 * @param outageTps store calls per second while the store is down (retries included)
 * @param recoveryPeakTps the busiest second in the two minutes after the store is back
 * @param failedInvocationShare invocations during the outage that could not get their secrets, 0 to 1
 * @param totalCalls every store call of the run (used to validate the model against real clients)
 */
public record FleetResult(
    String policy,
    String basis,
    long stormPeakTps,
    double stormMeanTps,
    long stormOverQuota,
    double steadyTps,
    double callsPerInstanceHour,
    double dollarsPerMonth,
    double outageTps,
    long recoveryPeakTps,
    double failedInvocationShare,
    long totalCalls) {

  static FleetResult of(FleetPolicy p, FleetScenario s, Tally t) {
    double stormEnd = Math.max(1, s.stormSeconds());
    double steadyLength = s.steadyTo() - s.steadyFrom();
    long steadyCalls = t.callsBetween(s.steadyFrom(), s.steadyTo());
    double steadyTps = steadyCalls / steadyLength;
    double perInstanceHour = steadyCalls / (double) s.instances() / (steadyLength / 3600);
    double monthly = steadyTps * 3600 * 730 / 10_000 * s.dollarsPer10kCalls();
    double outageTps = s.outageSeconds() == 0 ? 0 : t.callsBetween(s.outageFrom(), s.outageTo()) / s.outageSeconds();
    long recoveryPeak = s.outageSeconds() == 0 ? 0 : t.peakBetween(s.outageTo(), s.outageTo() + 120);
    double failed = t.outageInvocations == 0 ? 0 : (double) t.failedInvocations / t.outageInvocations;
    return new FleetResult(p.name(), p.basis(), t.peakBetween(0, stormEnd + 60),
        t.callsBetween(0, stormEnd) / stormEnd, t.overQuotaBetween(0, stormEnd + 60, s.quotaTps()), steadyTps,
        perInstanceHour, monthly, outageTps, recoveryPeak, failed, t.callsBetween(0, s.horizonSeconds()));
  }
}
