package io.secretsbroker.benchmarks.fleet;

/**
 * The circuit breaker of one client, as {@code io.secretsbroker.internal.resilience.Resilience} configures
 * Resilience4j: a count-based window of {@code window} calls that opens at {@code ratePercent}
 * failures once the window is full, stays open {@code waitOpen} seconds, then lets
 * {@code halfOpenCalls} calls through and opens again unless fewer than {@code ratePercent} of them
 * failed. Not thread-safe (one instance is simulated at a time).
 */
final class Breaker {
  private final int window;
  private final int ratePercent;
  private final double waitOpen;
  private final int halfOpenCalls;
  private final boolean[] ring;
  private int count;
  private int next;
  private int failures;
  private boolean open;
  private boolean halfOpen;
  private double openUntil;
  private int permits;
  private int halfResults;
  private int halfFailures;

  Breaker(int window, int ratePercent, double waitOpen, int halfOpenCalls) {
    this.window = window;
    this.ratePercent = ratePercent;
    this.waitOpen = waitOpen;
    this.halfOpenCalls = halfOpenCalls;
    this.ring = new boolean[window];
  }

  /** Whether a call at {@code t} may go to the store. */
  boolean tryAcquire(double t) {
    if (open) {
      if (t < openUntil) {
        return false;
      }
      open = false;
      halfOpen = true;
      permits = halfOpenCalls;
      halfResults = 0;
      halfFailures = 0;
    }
    if (halfOpen) {
      if (permits == 0) {
        return false;
      }
      permits--;
    }
    return true;
  }

  void onResult(double t, boolean success) {
    if (halfOpen) {
      halfResults++;
      if (!success) {
        halfFailures++;
      }
      if (halfResults == halfOpenCalls) {
        halfOpen = false;
        if (halfFailures * 100 >= ratePercent * halfOpenCalls) {
          trip(t);
        } else {
          reset();
        }
      }
      return;
    }
    if (count == window && ring[next]) { // the failure that leaves the window
      failures--;
    }
    ring[next] = !success;
    if (!success) {
      failures++;
    }
    next = (next + 1) % window;
    count = Math.min(window, count + 1);
    if (count == window && failures * 100 >= ratePercent * window) {
      trip(t);
    }
  }

  private void trip(double t) {
    open = true;
    openUntil = t + waitOpen;
    reset();
  }

  private void reset() {
    count = 0;
    next = 0;
    failures = 0;
    java.util.Arrays.fill(ring, false);
  }
}
