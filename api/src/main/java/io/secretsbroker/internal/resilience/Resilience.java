package io.secretsbroker.internal.resilience;

import io.secretsbroker.internal.Settings;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.Ticker;
import io.secretsbroker.spi.CallTimeout;
import io.secretsbroker.spi.Transport;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Retry and circuit breaking around every provider call, composed the Resilience4j way:
 * {@code Retry(CircuitBreaker(call))}.
 *
 * <p>Only {@link ProviderUnavailableException} (throttling, 5xx, timeouts, I/O) is retried and
 * counted as a breaker failure; not-found, access-denied and bad input pass straight through and
 * count as successful calls (the store answered). An open breaker fails fast with a
 * {@link ProviderUnavailableException} naming the provider. Resilience4j types stay in here.
 *
 * <p>Freeze and thaw: each attempt is timed on the monotonic {@link Ticker}. An attempt that failed
 * after spanning more than {@link CallTimeout#FREEZE_FACTOR} times the provider call timeout
 * ({@code secrets.provider.call-timeout}) cannot have been a slow store (the call would have timed
 * out long before): the JVM was frozen mid-call. Such a failure is marked ({@link #spannedFreeze}),
 * retried without back-off, and neither counted nor ignored-as-success by the breaker: a freeze is
 * not an outage.
 *
 * <p>Cold start: Resilience4j (about 75 classes) is built on the first transient failure, not
 * before. Until then a call runs directly (timed); the first failure is replayed into the freshly
 * built retry and breaker as their first attempt, so the number of provider calls, the back-off and
 * the breaker's count are as if they had existed all along, except that successes before the
 * first failure are not in the breaker's window (they could only have lowered its failure rate).
 * Thread-safe: the lazy build is synchronized, then read through a volatile field.
 */
public final class Resilience {
  private final String providerId;
  private final int attempts;
  private final Duration backoff;
  private final int rate;
  private final int window;
  private final Duration waitOpen;
  private final Clock clock;
  private final Ticker ticker;
  private final long freezeNanos;
  /** Resilience4j's retry and breaker, built on the first transient failure. */
  private volatile Guarded guarded;

  /** With the system ticker. */
  public Resilience(String providerId, Settings settings, Clock clock) {
    this(providerId, settings, clock, Ticker.system());
  }

  /**
   * Validates the settings now; builds nothing of Resilience4j yet.
   *
   * @throws io.secretsbroker.ConfigurationException when a retry, breaker or call-timeout setting is malformed
   */
  public Resilience(String providerId, Settings settings, Clock clock, Ticker ticker) {
    this.providerId = providerId;
    this.clock = clock;
    this.ticker = ticker;
    this.freezeNanos = CallTimeout.freezeThresholdNanos(CallTimeout.from(settings.asMap()));
    this.attempts = settings.integer(Settings.RETRY_MAX_ATTEMPTS, 3, 1, 10);
    this.backoff = settings.duration(Settings.RETRY_INITIAL_BACKOFF, Duration.ofMillis(100));
    this.rate = settings.integer(Settings.BREAKER_FAILURE_RATE, 50, 1, 100);
    this.window = settings.integer(Settings.BREAKER_WINDOW, 20, 2, 10_000);
    this.waitOpen = settings.duration(Settings.BREAKER_WAIT_OPEN, Duration.ofSeconds(30));
  }

  /**
   * The wait before the next attempt: the jittered exponential backoff, or the store's
   * {@code Retry-After} hint when it is longer (capped at
   * {@link ProviderUnavailableException#MAX_HONOURED_RETRY_AFTER}); none after an attempt that
   * spanned a freeze.
   */
  static IntervalBiFunction<Object> interval(IntervalFunction backoff) {
    return Guarded.interval(backoff);
  }

  /** Runs a read: retried on transient failure, behind the breaker. */
  public <T> T read(Supplier<T> call) {
    Supplier<T> timed = timed(call);
    Guarded g = guarded;
    if (g != null) {
      return g.read(timed);
    }
    try {
      return timed.get();
    } catch (ProviderUnavailableException first) {
      return guarded().read(Guarded.replaying(first, timed));
    }
  }

  /** Runs a write: behind the breaker, never retried (a write may not be idempotent). */
  public <T> T write(Supplier<T> call) {
    Supplier<T> timed = timed(call);
    Guarded g = guarded;
    if (g != null) {
      return g.write(timed);
    }
    try {
      return timed.get();
    } catch (ProviderUnavailableException first) {
      return guarded().write(Guarded.replaying(first, timed)); // records it, never calls again
    }
  }

  private synchronized Guarded guarded() {
    Guarded g = guarded;
    if (g == null) {
      g = new Guarded(this);
      guarded = g;
    }
    return g;
  }

  /** One attempt, timed: a transient failure that spanned a freeze is marked as such. */
  private <T> Supplier<T> timed(Supplier<T> call) {
    return () -> {
      long started = ticker.read();
      try {
        return call.get();
      } catch (ProviderUnavailableException e) {
        long spanned = ticker.read() - started;
        if (spanned > freezeNanos && !spannedFreeze(e)) {
          e.addSuppressed(new SpannedFreeze(spanned, freezeNanos / CallTimeout.FREEZE_FACTOR));
        }
        throw e;
      }
    };
  }

  /**
   * Whether {@code e} is a provider failure whose call spanned a freeze (more than twice the call
   * timeout of monotonic time): retry it at once rather than treat it as an outage.
   */
  public static boolean spannedFreeze(Throwable e) {
    if (!(e instanceof ProviderUnavailableException)) {
      return false;
    }
    for (Throwable s : e.getSuppressed()) {
      if (s instanceof SpannedFreeze) {
        return true;
      }
    }
    return false;
  }

  /** The marker a freeze-spanning failure carries: how long the call spanned, never a value. */
  static final class SpannedFreeze extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SpannedFreeze(long spannedNanos, long timeoutNanos) {
      super("the provider call spanned " + spannedNanos / 1_000_000 + " ms of monotonic time, more than "
          + CallTimeout.FREEZE_FACTOR + "x the call timeout of " + timeoutNanos / 1_000_000 + " ms ("
          + CallTimeout.KEY + "): the JVM was frozen mid-call, so the call is retried at once", null, false, false);
    }
  }

  /**
   * Retried and counted by the breaker: {@link ProviderUnavailableException}, unless it is a TLS
   * trust failure (a configuration problem that no retry fixes).
   */
  private static boolean transient_(Throwable e) {
    return e instanceof ProviderUnavailableException && !Transport.isTlsTrustFailure(e);
  }

  /** The breaker's state name, for stats and tests: CLOSED (also before it is built), OPEN, HALF_OPEN. */
  public String breakerState() {
    Guarded g = guarded;
    return g == null ? "CLOSED" : g.breaker.getState().name();
  }

  /** Whether Resilience4j has been built (a transient failure happened), for tests. */
  public boolean built() {
    return guarded != null;
  }

  /**
   * Resilience4j's retry and breaker, composed {@code Retry(CircuitBreaker(call))}: kept in its own
   * class so that none of its types is loaded before the first transient failure.
   */
  private static final class Guarded {
    private final Resilience owner;
    private final Retry retry;
    private final CircuitBreaker breaker;

    Guarded(Resilience r) {
      this.owner = r;
      this.retry = Retry.of("secrets-" + r.providerId, RetryConfig.<Object>custom()
          .maxAttempts(r.attempts)
          .intervalBiFunction(interval(IntervalFunction.ofExponentialRandomBackoff(r.backoff, 2.0, 0.5)))
          .retryOnException(Resilience::transient_)
          .failAfterMaxAttempts(false)
          .build());
      this.breaker = CircuitBreaker.of("secrets-" + r.providerId, CircuitBreakerConfig.custom()
          .failureRateThreshold(r.rate)
          .slidingWindow(r.window, r.window, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
          .waitDurationInOpenState(r.waitOpen)
          .permittedNumberOfCallsInHalfOpenState(Math.min(3, r.window))
          .recordException(e -> transient_(e) && !spannedFreeze(e))
          .ignoreException(Resilience::spannedFreeze)
          .clock(r.clock)
          .build());
    }

    static IntervalBiFunction<Object> interval(IntervalFunction backoff) {
      return (attempt, outcome) -> {
        if (outcome != null && outcome.isLeft() && spannedFreeze(outcome.getLeft())) {
          return 0L; // the JVM was frozen mid-call: try again at once
        }
        long wait = backoff.apply(attempt);
        if (outcome != null && outcome.isLeft() && outcome.getLeft() instanceof ProviderUnavailableException pu
            && pu.retryAfter().isPresent()) {
          long hinted = Math.min(pu.retryAfter().get().toMillis(),
              ProviderUnavailableException.MAX_HONOURED_RETRY_AFTER.toMillis());
          wait = Math.max(wait, hinted);
        }
        return wait;
      };
    }

    /** A supplier whose first call throws {@code first} (the failed direct attempt), then calls through. */
    static <T> Supplier<T> replaying(RuntimeException first, Supplier<T> call) {
      java.util.concurrent.atomic.AtomicBoolean pending = new java.util.concurrent.atomic.AtomicBoolean(true);
      return () -> {
        if (pending.compareAndSet(true, false)) {
          throw first;
        }
        return call.get();
      };
    }

    <T> T read(Supplier<T> call) {
      return run(Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call)));
    }

    <T> T write(Supplier<T> call) {
      return run(CircuitBreaker.decorateSupplier(breaker, call));
    }

    private <T> T run(Supplier<T> decorated) {
      try {
        return decorated.get();
      } catch (ProviderUnavailableException e) {
        if (Transport.isTlsTrustFailure(e)) {
          throw Transport.tlsTrustFailure("provider " + owner.providerId, e);
        }
        throw e;
      } catch (CallNotPermittedException e) {
        throw new ProviderUnavailableException("Provider " + owner.providerId + " is failing: its circuit breaker"
            + " is open after repeated failures and calls are refused for up to " + owner.waitOpen.toSeconds()
            + " s. Cached values are still served within secrets.cache.max-stale; check the provider's"
            + " health and network.", e);
      }
    }
  }
}
