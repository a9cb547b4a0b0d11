package io.secretsbroker.benchmarks.fleet;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A deterministic fleet simulator: N function instances x M secrets, a deploy storm, the steady
 * state and a regional store outage, for our client and the peers' caching behaviour
 * ({@link SecretsBrokerPolicy}, {@link AwsCachingClientPolicy}, {@link TtlCachePolicy}).
 *
 * <p>Each instance is simulated on its own, seeded from the scenario's seed and its index, so a
 * run is reproducible to the call and takes seconds for 10,000 instances. Instances start
 * uniformly within the storm window. What each policy does is documented on its class, with where
 * that behaviour was read; {@link FleetValidation} checks our policy against 200 real clients.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.secretsbroker.benchmarks.fleet.FleetModel
 * [instances] [seed]}; prints a Markdown table.
 */
public final class FleetModel {

  private FleetModel() {}

  /** The policies compared in docs/benchmarks.md, ours first. */
  static List<FleetPolicy> policies() {
    SecretsBrokerPolicy ours = SecretsBrokerPolicy.defaults();
    return List.of(ours.withPrefetch("secretsbroker + prefetch"), ours,
        ours.withoutBatchRefresh("secretsbroker, refresh-batch=false"), AwsCachingClientPolicy.defaults(),
        TtlCachePolicy.powertools(), TtlCachePolicy.lambdaExtension());
  }

  public static FleetResult run(FleetPolicy policy, FleetScenario s) {
    return FleetResult.of(policy, s, tally(policy, s));
  }

  /** The run's calls second by second (single and batch), for {@link FleetValidation}'s per-phase comparison. */
  static Tally tally(FleetPolicy policy, FleetScenario s) {
    Tally tally = new Tally(s);
    SplittableRandom starts = new SplittableRandom(s.seed());
    for (int i = 0; i < s.instances(); i++) {
      double start = s.stormSeconds() * starts.nextDouble();
      policy.simulateInstance(s, start, new SplittableRandom(s.seed() * 1_000_003L + i), tally);
    }
    return tally;
  }

  public static void main(String[] args) {
    FleetScenario s = FleetScenario.deployOf10k();
    if (args.length > 0) {
      s = s.withInstances(Integer.parseInt(args[0]));
    }
    if (args.length > 1) {
      s = s.withSeed(Long.parseLong(args[1]));
    }
    System.out.println(table(s, policies()));
  }

  static String table(FleetScenario s, List<FleetPolicy> policies) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Fleet: %,d instances x %d secrets, cold within %.0f s, %.1f invocations/s"
            + " each; steady %.0f-%.0f s; store down %.0f s from %.0f s; seed %d%n%n", s.instances(), s.secrets(),
        s.stormSeconds(), s.invocationsPerSecond(), s.steadyFrom(), s.steadyTo(), s.outageSeconds(), s.outageFrom(),
        s.seed()));
    out.append("| policy | storm peak TPS | storm mean TPS | storm calls over quota | steady TPS | calls /"
        + " instance-hour | $ / month | outage TPS | recovery peak TPS | failed invocations in outage |\n");
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    StringBuilder bases = new StringBuilder();
    for (FleetPolicy p : policies) {
      long began = System.nanoTime();
      FleetResult r = run(p, s);
      double seconds = (System.nanoTime() - began) / 1e9;
      out.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %,d | %,.1f | %,.1f | %,.2f | %,.0f | %,d | %.2f%% |%n",
          r.policy(), r.stormPeakTps(), r.stormMeanTps(), r.stormOverQuota(), r.steadyTps(),
          r.callsPerInstanceHour(), r.dollarsPerMonth(), r.outageTps(), r.recoveryPeakTps(),
          100 * r.failedInvocationShare()));
      bases.append(String.format(Locale.ROOT, "- %s (simulated in %.1f s): %s%n", r.policy(), seconds, r.basis()));
    }
    return out.append('\n').append(bases).toString();
  }
}
