package io.secretsbroker.benchmarks.fleet;

/**
 * What the fleet does: {@code instances} function instances, each reading {@code secrets} secrets
 * on every invocation, all started (cold) within {@code stormSeconds}, invoked as a Poisson process
 * of {@code invocationsPerSecond} per instance, for {@code horizonSeconds}. Steady state is measured
 * over {@code [steadyFrom, steadyTo)}; the store refuses every call during {@code [outageFrom,
 * outageFrom + outageSeconds)} (no outage when {@code outageSeconds} is 0). Immutable.
 *
 * <p>Times are seconds from the start of the deploy. {@code quotaTps} is the store's regional quota
 * (Secrets Manager: about 10,000 {@code GetSecretValue} calls per second), used to count calls that
 * would have been throttled; {@code dollarsPer10kCalls} prices them.
 */
public record FleetScenario(
    int instances,
    int secrets,
    double stormSeconds,
    double invocationsPerSecond,
    double horizonSeconds,
    double steadyFrom,
    double steadyTo,
    double outageFrom,
    double outageSeconds,
    double quotaTps,
    double dollarsPer10kCalls,
    long seed) {

  public FleetScenario {
    if (instances < 1 || secrets < 1 || stormSeconds < 0 || invocationsPerSecond <= 0 || horizonSeconds <= 0
        || steadyFrom < 0 || steadyTo <= steadyFrom || steadyTo > horizonSeconds || outageSeconds < 0) {
      throw new IllegalArgumentException("inconsistent fleet scenario: " + this);
    }
  }

  /**
   * The fleet: 10,000 instances x 20 secrets, all cold within 10 s, one invocation a second
   * each; steady state over hours 2 to 4 (late enough that a 1-hour TTL drawn in [30, 60] minutes
   * has settled); a 30-minute store outage from 4 h; Secrets Manager's quota and price.
   */
  public static FleetScenario deployOf10k() {
    return new FleetScenario(10_000, 20, 10, 1.0, 5 * 3600, 2 * 3600, 4 * 3600, 4 * 3600, 1800, 10_000, 0.05, 42);
  }

  public FleetScenario withInstances(int n) {
    return new FleetScenario(n, secrets, stormSeconds, invocationsPerSecond, horizonSeconds, steadyFrom, steadyTo,
        outageFrom, outageSeconds, quotaTps, dollarsPer10kCalls, seed);
  }

  public FleetScenario withoutOutage() {
    return new FleetScenario(instances, secrets, stormSeconds, invocationsPerSecond, horizonSeconds, steadyFrom,
        steadyTo, horizonSeconds, 0, quotaTps, dollarsPer10kCalls, seed);
  }

  public FleetScenario withSeed(long s) {
    return new FleetScenario(instances, secrets, stormSeconds, invocationsPerSecond, horizonSeconds, steadyFrom,
        steadyTo, outageFrom, outageSeconds, quotaTps, dollarsPer10kCalls, s);
  }

  /** Whether the store answers at time {@code t}. */
  boolean storeUp(double t) {
    return t < outageFrom || t >= outageFrom + outageSeconds;
  }

  double outageTo() {
    return outageFrom + outageSeconds;
  }
}
