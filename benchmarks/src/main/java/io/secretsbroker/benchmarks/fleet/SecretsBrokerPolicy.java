package io.secretsbroker.benchmarks.fleet;

import java.util.SplittableRandom;

/**
 * Our client, as {@code SecretCache}, {@code DefaultSecretsClient} and {@code Resilience} behave with the given settings.
 *
 * <ul>
 *   <li>Cold: one call per secret on the first invocation, one after the other on the caller's
 *       thread (single flight: concurrent readers of a cold key share one call), or, with {@code
 *       prefetch}, {@code ceil(secrets / batchSize)} batch calls at start-up.
 *   <li>Refresh ahead: each entry's refresh time is its load time plus {@code refreshAfter}
 *       jittered ±{@code jitter}; the first read past it starts one background reload, and the
 *       reader is served the cached value. With {@code batchRefresh} ({@code
 *       secrets.cache.refresh-batch}, the default) that reload takes along every entry due within
 *       the jitter span, in {@code ceil(n / batchSize)} calls, and they share one refresh time from
 *       then on: one jittered draw for the batch, as {@code BatchLoad} makes them; a refresh that
 *       finds no other entry due is a single read. Without it, one call per entry.
 *   <li>Outage: a failed reload is retried {@code retryAttempts} times behind the per-client
 *       breaker ({@link Breaker}; a refused call reaches no store and is not retried), then the entry
 *       is marked stale and tried again {@code retryBackoff} seconds later; reads are served the
 *       stale value until {@code maxStale} after its load, after which the invocation fails.
 *   <li>{@code latency}: how long each kind of store call takes ({@link CallLatency}); an entry's
 *       age counts from the end of its call, so cold reads one after the other spread their
 *       entries' refresh times by the latency.
 * </ul>
 */
record SecretsBrokerPolicy(
    String name,
    double refreshAfter,
    double jitter,
    double maxStale,
    int retryAttempts,
    int breakerWindow,
    int breakerRatePercent,
    double breakerWaitOpen,
    int breakerHalfOpenCalls,
    boolean prefetch,
    boolean batchRefresh,
    int batchSize,
    CallLatency latency) implements FleetPolicy {

  /**
   * The client's defaults: refresh-after 5 min, max-stale 1 h, 3 attempts, breaker 20/50%/30 s,
   * refresh in batches ({@code secrets.cache.refresh-batch=true}), no prefetch.
   */
  static SecretsBrokerPolicy defaults() {
    return of(300, 3600);
  }

  static SecretsBrokerPolicy of(double refreshAfter, double maxStale) {
    return new SecretsBrokerPolicy("secretsbroker", refreshAfter, 0.1, maxStale, 3, 20, 50, 30, 3, false, true, 20, CallLatency.NONE);
  }

  /** The same policy with store calls that take {@code l} (an entry counts as loaded when its call ends). */
  SecretsBrokerPolicy withLatency(CallLatency l) {
    return new SecretsBrokerPolicy(name, refreshAfter, jitter, maxStale, retryAttempts, breakerWindow,
        breakerRatePercent, breakerWaitOpen, breakerHalfOpenCalls, prefetch, batchRefresh, batchSize, l);
  }

  /** With {@code secrets.prefetch} naming every secret: one batch call per 20 at start-up. */
  SecretsBrokerPolicy withPrefetch(String newName) {
    return new SecretsBrokerPolicy(newName, refreshAfter, jitter, maxStale, retryAttempts, breakerWindow,
        breakerRatePercent, breakerWaitOpen, breakerHalfOpenCalls, true, batchRefresh, batchSize, latency);
  }

  /** With {@code secrets.cache.refresh-batch=false}: every entry refreshes on its own. */
  SecretsBrokerPolicy withoutBatchRefresh(String newName) {
    return new SecretsBrokerPolicy(newName, refreshAfter, jitter, maxStale, retryAttempts, breakerWindow,
        breakerRatePercent, breakerWaitOpen, breakerHalfOpenCalls, prefetch, false, batchSize, latency);
  }

  /** What the client waits after a failed reload: refresh-after / 10, between 1 and 30 seconds. */
  double retryBackoff() {
    return Math.max(1, Math.min(refreshAfter / 10, 30));
  }

  @Override
  public String basis() {
    return "this repository's SecretCache and Resilience (refresh-after " + (int) refreshAfter
        + " s ±" + (int) (jitter * 100) + "%, max-stale " + (int) maxStale + " s, " + retryAttempts
        + " attempts, breaker " + breakerWindow + "/" + breakerRatePercent + "%/" + (int) breakerWaitOpen + " s"
        + (prefetch ? ", prefetch" : "") + (batchRefresh ? ", refresh in batches of " + batchSize : ", per-entry refresh")
        + (latency.isZero() ? "" : ", call latency " + latency) + ")";
  }

  @Override
  public void simulateInstance(FleetScenario s, double start, SplittableRandom rnd, Tally tally) {
    int m = s.secrets();
    Breaker breaker = new Breaker(breakerWindow, breakerRatePercent, breakerWaitOpen, breakerHalfOpenCalls);
    double[] refreshAt = new double[m];
    double[] due = new double[m];
    double[] expires = new double[m];
    boolean[] group = new boolean[m];
    coldStart(s, start, breaker, refreshAt, due, expires, group, rnd, tally);
    while (true) {
      int j = earliest(due);
      double t = due[j];
      if (t >= s.horizonSeconds()) {
        break;
      }
      int members = gather(j, t, refreshAt, group);
      boolean batch = members > 1; // Refresher: a refresh of one entry alone is a single read
      int calls = batch ? (members + batchSize - 1) / batchSize : 1;
      if (s.storeUp(t)) {
        boolean permitted = true;
        double at = t;
        for (int c = 0; c < calls && permitted; c++) {
          permitted = breaker.tryAcquire(at);
          if (permitted) {
            tally.call(at, 1, batch);
            breaker.onResult(at, true);
            at += batch ? latency.batch() : latency.single();
          }
        }
        if (permitted) {
          loaded(s, group, at, refreshAt, due, expires, rnd, batchRefresh);
          continue;
        }
      } else {
        for (int attempt = 0; attempt < retryAttempts && breaker.tryAcquire(t); attempt++) {
          tally.call(t, 1, batch); // a failed batch fails as one call; its retries too
          breaker.onResult(t, false);
        }
      }
      double retryAt = t + retryBackoff();
      double next = retryAt + FleetPolicy.nextInvocation(s, rnd);
      for (int k = 0; k < m; k++) {
        if (group[k]) {
          refreshAt[k] = retryAt;
          due[k] = next;
        }
      }
    }
    double firstExpiry = Double.MAX_VALUE;
    for (double e : expires) {
      firstExpiry = Math.min(firstExpiry, e);
    }
    // expiries are those of the last successful loads: none succeeds while the store is down
    FleetPolicy.countOutageInvocations(s, start, firstExpiry, tally, rnd);
  }

  /**
   * The cold start, call by call. With prefetch, {@code ceil(secrets / batchSize)} batch calls one
   * after the other, every entry loaded when the last ends, all with one jittered refresh time
   * ({@code BatchLoad} draws once per batch). Without, the first invocation reads the secrets
   * one by one on the caller's thread: secret {@code k} is loaded when its read ends, the sum of
   * the first {@code k + 1} reads' latencies after the start, so the entries' refresh times spread
   * by the call latency.
   */
  private void coldStart(FleetScenario s, double start, Breaker breaker, double[] refreshAt, double[] due,
      double[] expires, boolean[] group, SplittableRandom rnd, Tally tally) {
    int m = s.secrets();
    double at = start;
    if (prefetch) {
      for (int c = 0; c < (m + batchSize - 1) / batchSize; c++) {
        tally.call(at, 1, true);
        breaker.onResult(at, true);
        at += latency.coldBatch();
      }
      java.util.Arrays.fill(group, true);
      loaded(s, group, at, refreshAt, due, expires, rnd, true);
      return;
    }
    for (int k = 0; k < m; k++) {
      tally.call(at, 1, false);
      breaker.onResult(at, true);
      at += latency.coldRead(k);
      java.util.Arrays.fill(group, false);
      group[k] = true;
      loaded(s, group, at, refreshAt, due, expires, rnd, false);
    }
  }

  /** Marks the entries one refresh at {@code t} reloads: {@code j}, and with batch refresh those due soon. */
  private int gather(int j, double t, double[] refreshAt, boolean[] group) {
    int n = 0;
    double window = t + refreshAfter * 2 * jitter;
    for (int k = 0; k < group.length; k++) {
      group[k] = k == j || (batchRefresh && refreshAt[k] <= window);
      n += group[k] ? 1 : 0;
    }
    return n;
  }

  /**
   * The entries of {@code group} loaded by calls that ended at {@code t}. Each fresh entry draws its
   * jittered refresh time; when {@code shared} (a batch read), all take one draw, as {@code
   * BatchLoad} makes them, so the batch stays one and falls due at that time.
   */
  private void loaded(FleetScenario s, boolean[] group, double t, double[] refreshAt, double[] due,
      double[] expires, SplittableRandom rnd, boolean shared) {
    double sharedAt = t + refreshAfter * (1 - jitter + 2 * jitter * rnd.nextDouble());
    for (int k = 0; k < group.length; k++) {
      if (group[k]) {
        refreshAt[k] = shared ? sharedAt : t + refreshAfter * (1 - jitter + 2 * jitter * rnd.nextDouble());
      }
    }
    double sharedDue = sharedAt + FleetPolicy.nextInvocation(s, rnd);
    for (int k = 0; k < group.length; k++) {
      if (!group[k]) {
        continue;
      }
      refreshAt[k] = shared ? sharedAt : refreshAt[k];
      due[k] = shared ? sharedDue : refreshAt[k] + FleetPolicy.nextInvocation(s, rnd);
      if (t < s.outageFrom()) {
        expires[k] = t + maxStale; // the expiry that matters: the last load before the outage
      }
    }
  }

  private static int earliest(double[] due) {
    int best = 0;
    for (int j = 1; j < due.length; j++) {
      if (due[j] < due[best]) {
        best = j;
      }
    }
    return best;
  }
}
