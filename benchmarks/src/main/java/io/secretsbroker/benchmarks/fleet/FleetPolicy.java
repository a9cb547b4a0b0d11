package io.secretsbroker.benchmarks.fleet;

import java.util.SplittableRandom;

/**
 * How one kind of client, inside one function instance, turns invocations into store calls.
 *
 * <p>Every policy sees the same thing: an instance that starts cold at {@code start}, is invoked as
 * a Poisson process of {@link FleetScenario#invocationsPerSecond()} (so the first invocation after
 * any deadline comes an exponentially distributed time later), and reads all of the scenario's
 * secrets on each invocation. A policy records each store call (SDK retries included) and each
 * invocation during the outage that could not get its secrets.
 */
interface FleetPolicy {

  String name();

  /** One line: where the behaviour comes from (docs, code) and what the model assumes. */
  String basis();

  void simulateInstance(FleetScenario s, double start, SplittableRandom rnd, Tally tally);

  /** The wait until an instance's next invocation. */
  static double nextInvocation(FleetScenario s, SplittableRandom rnd) {
    return -Math.log(1 - rnd.nextDouble()) / s.invocationsPerSecond();
  }

  /**
   * Invocations of one instance during the outage part of {@code [from, to)}, counted as failed when
   * they fall in {@code [failFrom, to)}; returns nothing, adds to the tally. Used by policies whose
   * reads fail from a known time on (their cache entry expired while the store was down).
   */
  static void countOutageInvocations(FleetScenario s, double from, double failFrom, Tally tally,
      SplittableRandom rnd) {
    double a = Math.max(from, s.outageFrom());
    double b = s.outageTo();
    for (double t = a + nextInvocation(s, rnd); t < b; t += nextInvocation(s, rnd)) {
      tally.outageInvocations++;
      if (t >= failFrom) {
        tally.failedInvocations++;
      }
    }
  }
}
