package io.secretsbroker.benchmarks.fleet;

import java.util.SplittableRandom;

/**
 * A per-instance cache with a fixed TTL and no stale serving: the first invocation after the TTL
 * fetches every secret again (one call each, on the caller's thread); while the store is down, an
 * invocation whose cache has expired fails at its first read and tries again on the next
 * invocation. Two peers behave this way:
 *
 * <ul>
 *   <li>Powertools for AWS Lambda (Java) parameters: default max age 5 s; a failed fetch throws to
 *       the caller; no single flight (irrelevant here: a Lambda instance runs one invocation at a
 *       time); each call retried by the SDK ({@link SdkRetries}).
 *   <li>The AWS Parameters and Secrets Lambda Extension: TTL at most 300 s (it caps larger values);
 *       a per-instance cache behind a localhost HTTP endpoint. That it serves no stale value once
 *       the TTL has passed is an assumption: its documentation does not say (the newer Systems
 *       Manager cloud extensions document stale serving on 5xx; this extension is not documented to).
 * </ul>
 */
record TtlCachePolicy(String name, double ttl, String basis) implements FleetPolicy {

  static TtlCachePolicy powertools() {
    return new TtlCachePolicy("powertools", 5,
        "Powertools parameters docs: max age 5 s by default, fetch on expiry, a failed fetch throws;"
            + " SDK standard retries");
  }

  static TtlCachePolicy lambdaExtension() {
    return new TtlCachePolicy("lambda-extension", 300,
        "Parameters and Secrets Lambda Extension docs: TTL capped at 300 s, per-instance cache;"
            + " assumed: no stale value after the TTL; SDK standard retries");
  }

  @Override
  public void simulateInstance(FleetScenario s, double start, SplittableRandom rnd, Tally tally) {
    int m = s.secrets();
    SdkRetries sdk = new SdkRetries();
    tally.call(start, m);
    double expiry = start + ttl;
    double servedUntil = s.outageTo(); // invocations in the outage before this were served from the cache
    double t = expiry + FleetPolicy.nextInvocation(s, rnd);
    while (t < s.horizonSeconds()) {
      if (s.storeUp(t)) {
        tally.call(t, m);
        expiry = t + ttl;
        t = expiry + FleetPolicy.nextInvocation(s, rnd);
        continue;
      }
      if (servedUntil == s.outageTo()) {
        servedUntil = Math.max(s.outageFrom(), expiry); // t is the first invocation past this expiry
      }
      // down and expired: this invocation fails at its first read, and so does every one after it
      tally.call(t, sdk.attemptsWhileDown());
      tally.outageInvocations++;
      tally.failedInvocations++;
      t += FleetPolicy.nextInvocation(s, rnd);
    }
    tally.outageInvocations += countInvocations(s, s.outageFrom(), servedUntil, rnd);
  }

  private static long countInvocations(FleetScenario s, double from, double to, SplittableRandom rnd) {
    long n = 0;
    for (double t = from + FleetPolicy.nextInvocation(s, rnd); t < to; t += FleetPolicy.nextInvocation(s, rnd)) {
      n++;
    }
    return n;
  }
}
