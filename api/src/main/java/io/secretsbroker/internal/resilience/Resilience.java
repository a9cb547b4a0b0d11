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
 * not an outage. Thread-safe.
 */
public final class Resilience {
  private final String providerId;
  private final Retry retry;
  private final CircuitBreaker breaker;
  private final Duration waitOpen;
  private final Ticker ticker;
  private final long freezeNanos;

  /** With the system ticker. */
  public Resilience(String providerId, Settings settings, Clock clock) {
    this(providerId, settings, clock, Ticker.system());
  }

  /**
   * @throws io.secretsbroker.ConfigurationException when a retry, breaker or call-timeout setting is malformed
   */
  public Resilience(String providerId, Settings settings, Clock clock, Ticker ticker) {
    this.providerId = providerId;
    this.ticker = ticker;
    this.freezeNanos = CallTimeout.freezeThresholdNanos(CallTimeout.from(settings.asMap()));
    int attempts = settings.integer(Settings.RETRY_MAX_ATTEMPTS, 3, 1, 10);
    Duration backoff = settings.duration(Settings.RETRY_INITIAL_BACKOFF, Duration.ofMillis(100));
    int rate = settings.integer(Settings.BREAKER_FAILURE_RATE, 50, 1, 100);
    int window = settings.integer(Settings.BREAKER_WINDOW, 20, 2, 10_000);
    this.waitOpen = settings.duration(Settings.BREAKER_WAIT_OPEN, Duration.ofSeconds(30));
    this.retry = Retry.of("secrets-" + providerId, RetryConfig.<Object>custom()
        .maxAttempts(attempts)
        .intervalBiFunction(interval(IntervalFunction.ofExponentialRandomBackoff(backoff, 2.0, 0.5)))
        .retryOnException(Resilience::transient_)
        .failAfterMaxAttempts(false)
        .build());
    this.breaker = CircuitBreaker.of("secrets-" + providerId, CircuitBreakerConfig.custom()
        .failureRateThreshold(rate)
        .slidingWindow(window, window, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .waitDurationInOpenState(waitOpen)
        .permittedNumberOfCallsInHalfOpenState(Math.min(3, window))
        .recordException(e -> transient_(e) && !spannedFreeze(e))
        .ignoreException(Resilience::spannedFreeze)
        .clock(clock)
        .build());
  }

  /**
   * The wait before the next attempt: the jittered exponential backoff, or the store's
   * {@code Retry-After} hint when it is longer (capped at
   * {@link ProviderUnavailableException#MAX_HONOURED_RETRY_AFTER}).
   */
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

  /** Runs a read: retried on transient failure, behind the breaker. */
  public <T> T read(Supplier<T> call) {
    return run(Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, timed(call))));
  }

  /** Runs a write: behind the breaker, never retried (a write may not be idempotent). */
  public <T> T write(Supplier<T> call) {
    return run(CircuitBreaker.decorateSupplier(breaker, timed(call)));
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

  private <T> T run(Supplier<T> decorated) {
    try {
      return decorated.get();
    } catch (ProviderUnavailableException e) {
      if (Transport.isTlsTrustFailure(e)) {
        throw Transport.tlsTrustFailure("provider " + providerId, e);
      }
      throw e;
    } catch (CallNotPermittedException e) {
      throw new ProviderUnavailableException("Provider " + providerId + " is failing: its circuit breaker is"
          + " open after repeated failures and calls are refused for up to " + waitOpen.toSeconds()
          + " s. Cached values are still served within secrets.cache.max-stale; check the provider's"
          + " health and network.", e);
    }
  }

  /** The breaker's state name, for stats and tests: CLOSED, OPEN, HALF_OPEN. */
  public String breakerState() {
    return breaker.getState().name();
  }
}
