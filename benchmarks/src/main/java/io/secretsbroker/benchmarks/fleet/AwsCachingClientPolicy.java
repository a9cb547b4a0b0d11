package io.secretsbroker.benchmarks.fleet;

import java.util.SplittableRandom;

/**
 * {@code aws-secretsmanager-caching-java} 2.x as its code reads ({@code SecretCacheItem},
 * {@code SecretCacheObject}): per secret, the first read calls {@code DescribeSecret} and then
 * {@code GetSecretValue} for the current version; afterwards, the first read past the item's
 * refresh time (its load plus a uniform draw from {@code [ttl/2, ttl]}) calls {@code DescribeSecret}
 * on the caller's thread, and {@code GetSecretValue} only for a version it has not seen (the
 * steady state has none). A failed refresh keeps the last value (reads never fail once loaded) and
 * is retried by the first read after an exponential, fully jittered back-off of
 * {@code [0, min(20 s, 1 s * 2^(attempt-2)))}; each call is retried by the SDK ({@link SdkRetries}).
 */
record AwsCachingClientPolicy(double ttl) implements FleetPolicy {

  static AwsCachingClientPolicy defaults() {
    return new AwsCachingClientPolicy(3600);
  }

  @Override
  public String name() {
    return "aws-caching-client";
  }

  @Override
  public String basis() {
    return "SecretCacheItem/SecretCacheObject code: TTL " + (int) ttl + " s drawn in [TTL/2, TTL], DescribeSecret per"
        + " refresh, stale value kept on error, back-off 1-20 s full jitter, SDK standard retries";
  }

  @Override
  public void simulateInstance(FleetScenario s, double start, SplittableRandom rnd, Tally tally) {
    int m = s.secrets();
    SdkRetries sdk = new SdkRetries();
    double[] due = new double[m];
    int[] attempts = new int[m];
    tally.call(start, 2L * m);
    for (int j = 0; j < m; j++) {
      attempts[j] = 1;
      due[j] = start + nextRefresh(rnd) + FleetPolicy.nextInvocation(s, rnd);
    }
    while (true) {
      int j = 0;
      for (int k = 1; k < m; k++) {
        if (due[k] < due[j]) {
          j = k;
        }
      }
      double t = due[j];
      if (t >= s.horizonSeconds()) {
        break;
      }
      if (s.storeUp(t)) {
        tally.call(t, 1);
        attempts[j] = 1;
        due[j] = t + nextRefresh(rnd) + FleetPolicy.nextInvocation(s, rnd);
      } else {
        tally.call(t, sdk.attemptsWhileDown());
        attempts[j]++;
        double cap = Math.min(20, Math.pow(2, attempts[j] - 2));
        due[j] = t + cap * rnd.nextDouble() + FleetPolicy.nextInvocation(s, rnd);
      }
    }
    FleetPolicy.countOutageInvocations(s, start, Double.MAX_VALUE, tally, rnd);
  }

  private double nextRefresh(SplittableRandom rnd) {
    return ttl / 2 + (ttl / 2) * rnd.nextDouble();
  }
}
