package io.secretsbroker.benchmarks.fleet;

/**
 * The AWS SDK's standard retry mode, which the peers' Secrets Manager clients use by default: up to
 * 3 attempts a call, each retry paid from a per-client quota of 500 tokens at 5 a retry, refunded
 * when a retried call succeeds (so a long outage drains it and calls stop being retried). Our own
 * driver turns SDK retries off and retries in the portable layer instead.
 */
final class SdkRetries {
  private static final int MAX_ATTEMPTS = 3;
  private static final int RETRY_COST = 5;
  private int tokens = 500;

  /** Attempts a call makes against a store that is down (each one is a store call). */
  int attemptsWhileDown() {
    int retries = Math.min(MAX_ATTEMPTS - 1, tokens / RETRY_COST);
    tokens -= retries * RETRY_COST;
    return 1 + retries;
  }
}
