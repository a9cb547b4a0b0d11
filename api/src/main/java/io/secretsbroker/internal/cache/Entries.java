package io.secretsbroker.internal.cache;

import io.secretsbroker.Redactor;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsException;
import io.secretsbroker.Ticker;
import io.secretsbroker.spi.SecretRecord;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds the entries of one {@link SecretCache}: their deadlines on the monotonic ticker (refresh
 * time and expiry from the settings and, when the store gives one, the value's own expiry date),
 * what {@code get} returns, and the value's registration with the redactor. Thread-safe.
 */
final class Entries {
  private final CacheSettings settings;
  private final Ticker ticker;
  private final Clock clock;

  Entries(CacheSettings settings, Ticker ticker, Clock clock) {
    this.settings = settings;
    this.ticker = ticker;
    this.clock = clock;
  }

  /** A draw for {@link #loaded}: uniform in [0, 1). */
  static double jitterDraw() {
    return ThreadLocalRandom.current().nextDouble();
  }

  /**
   * An entry for a loaded value whose refresh time is jittered by {@code draw} (in [0, 1): 0 is
   * refresh-after less 10%, 1 plus 10%). The entries of one batch read take one draw, so they fall
   * due together and refresh in one batch again, at a time spread as a single entry's is (not the
   * earliest of many draws, which would pull every batch to the start of the span). A store expiry
   * still brings an entry's own refresh earlier. The record's array is taken over.
   */
  Entry loaded(String name, String field, SecretRecord record, double draw) {
    SecretValue value = SecretValue.of(name, record);
    long t = ticker.read();
    long jittered = (long) (settings.refreshAfterNanos() * (0.9 + 0.2 * draw));
    long refreshAt = t + jittered;
    long expiresAt = t + settings.maxStaleNanos();
    if (record.expiresOn() != null) {
      // the store's date is wall time: convert the time left into the ticker's frame once
      long leftMillis = Math.max(0, record.expiresOn().toEpochMilli() - clock.millis());
      long validFor = Math.min(settings.maxStaleNanos(), Math.min(leftMillis, Long.MAX_VALUE / 1_000_000L) * 1_000_000L);
      refreshAt = Math.min(refreshAt, t + validFor * 2 / 3);
      expiresAt = Math.min(expiresAt, t + validFor);
    }
    String text = null;
    if (field == null) {
      try {
        text = value.asString();
      } catch (SecretsException binary) {
        text = null; // get() will explain that the value is binary
      }
    }
    Entry e = new Entry(value, text, field, null, t, refreshAt, expiresAt);
    e.redaction = Redactor.global().protect(value);
    return e;
  }

  /** A remembered not-found, kept for negative-ttl. */
  Entry notFound(SecretNotFoundException nf) {
    long t = ticker.read();
    return new Entry(null, null, null, nf, t, Long.MAX_VALUE, t + settings.negativeTtlNanos());
  }
}
