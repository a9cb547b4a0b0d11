package io.secretsbroker.testkit;

import io.secretsbroker.ProviderUnavailableException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A gate on an {@link InMemorySecretProvider}'s reads, from {@link InMemorySecretProvider#holdFetches()}:
 * while it is held, every read blocks; {@link #release()} lets them all through. Tests use it to
 * prove that a reader does not wait for a background refresh:
 *
 * <pre>{@code
 * try (FetchHold hold = provider.holdFetches()) {
 *   clock.advance(Duration.ofMinutes(6));          // past refresh-after
 *   assertThat(client.get("db")).isEqualTo("old"); // returns at once; a refresh starts
 *   assertThat(hold.awaitBlocked(1, Duration.ofSeconds(5))).isTrue(); // the refresh is in fetch
 * }                                                // close() releases it
 * }</pre>
 *
 * <p>Thread-safe. A blocked read that is interrupted fails with
 * {@link ProviderUnavailableException}. Closing the provider releases its hold.
 */
public final class FetchHold implements AutoCloseable {
  private final String providerId;
  private final CountDownLatch released = new CountDownLatch(1);
  private final Object arrivals = new Object();
  private int blocked;
  private int arrived;

  FetchHold(String providerId) {
    this.providerId = providerId;
  }

  /** Called by a read: counts its arrival and waits for the release. */
  void pass() {
    if (released.getCount() == 0) {
      return;
    }
    synchronized (arrivals) {
      arrived++;
      blocked++;
      arrivals.notifyAll();
    }
    try {
      released.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderUnavailableException("A read from provider " + providerId
          + " was interrupted while held by FetchHold.");
    } finally {
      synchronized (arrivals) {
        blocked--;
      }
    }
  }

  /**
   * Waits until at least {@code reads} reads have arrived at this hold since it was created. The
   * timeout only bounds a broken test; a passing test returns as soon as the reads arrive.
   *
   * @return whether they arrived in time
   */
  public boolean awaitBlocked(int reads, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (arrivals) {
      while (arrived < reads) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(arrivals, left);
      }
      return true;
    }
  }

  /** Reads that have arrived at this hold since it was created (blocked or already released). */
  public int arrivedCount() {
    synchronized (arrivals) {
      return arrived;
    }
  }

  /** Reads blocked right now. */
  public int blockedCount() {
    synchronized (arrivals) {
      return blocked;
    }
  }

  /** Lets every blocked and future read through. Idempotent. */
  public void release() {
    released.countDown();
  }

  public boolean isReleased() {
    return released.getCount() == 0;
  }

  /** Same as {@link #release()}. */
  @Override
  public void close() {
    release();
  }
}
