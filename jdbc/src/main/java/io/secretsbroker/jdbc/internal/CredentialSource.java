package io.secretsbroker.jdbc.internal;

import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.Subscription;
import io.secretsbroker.VersionStage;
import io.secretsbroker.jdbc.DatabaseSecret;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credentials of one database secret for every connection path (Hikari, DataSource, driver),
 * and the login retry across a rotation window.
 *
 * <p>Design note.
 * <ul>
 *   <li><b>Connection path</b>: {@link #current()} reads the client's cache ({@code value(name)}:
 *       no provider call while the value is cached) and parses the JSON once per version (the last
 *       parse is kept in a volatile field keyed by the value instance).
 *   <li><b>Login failure</b> ({@link LoginFailures}): the secret is refreshed once for all
 *       connections that failed with the same credentials (single flight: a lock, and a refresh
 *       epoch read before each attempt: a failure whose attempt started before the last refresh
 *       finished uses that refresh instead of starting another), then the login is retried with
 *       the refreshed value, then with {@code PREVIOUS} and {@code PENDING} where the store has
 *       them; after each round a jittered exponential back-off (100 ms doubling to 2 s), until
 *       {@code secrets.jdbc.login-retry} has passed. Then the last login failure is rethrown,
 *       wrapped in an {@link SQLInvalidAuthorizationSpecException} that says what to check.
 *   <li><b>Rotation race</b>: each announced new version bumps a generation counter. A connection
 *       whose login straddled an announcement is checked against the now-current credentials and
 *       replaced by a fresh one when they differ, so it does not keep the old credential for its
 *       life (a pool's soft eviction cannot see a connection that was still being opened). A
 *       login that finished before an announcement but had not joined the pool yet is the pool's
 *       to catch: {@link RetryingDataSource} checks it against {@link #generation()} at its first
 *       hand-out.
 *   <li>Other SQL errors (unreachable host, bad database name) pass through untouched.
 * </ul>
 * Thread-safe. Log lines name the secret, its version and SQLStates only.
 */
public final class CredentialSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("io.secretsbroker.jdbc");
  private static final long FIRST_BACKOFF_NANOS = Duration.ofMillis(100).toNanos();
  private static final long MAX_BACKOFF_NANOS = Duration.ofSeconds(2).toNanos();

  /** Sleeps for a number of nanoseconds (tests pass one that advances a fake ticker). */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private record Parsed(SecretValue value, DatabaseSecret secret) {}

  private final SecretsClient client;
  private final String name;
  private final DatabaseSecret.Fields fields;
  private final long retryNanos;
  private final LongSupplier ticker;
  private final Sleeper sleeper;
  private final ReentrantLock refreshLock = new ReentrantLock();
  private final AtomicLong generation = new AtomicLong();
  private final AtomicLong refreshes = new AtomicLong();
  private final AtomicLong recoveries = new AtomicLong();
  private final List<Consumer<SecretValue>> rotationListeners = new CopyOnWriteArrayList<>();
  private final Subscription subscription;
  private volatile long refreshEpoch;
  private volatile Parsed last;

  public CredentialSource(SecretsClient client, String name, DatabaseSecret.Fields fields, Duration loginRetry,
      LongSupplier ticker, Sleeper sleeper) {
    this.client = Objects.requireNonNull(client, "client");
    this.name = Objects.requireNonNull(name, "secretName");
    this.fields = Objects.requireNonNull(fields, "fields");
    this.retryNanos = Objects.requireNonNull(loginRetry, "loginRetry").toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.subscription = client.onRotate(name, this::rotated);
  }

  public CredentialSource(SecretsClient client, String name, DatabaseSecret.Fields fields, Duration loginRetry) {
    this(client, name, fields, loginRetry, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000,
        (int) (nanos % 1_000_000)));
  }

  public String secretName() {
    return name;
  }

  /** The current credentials, from the client's cache. */
  public DatabaseSecret current() {
    SecretValue v = client.value(name);
    Parsed p = last;
    if (p != null && p.value == v) {
      return p.secret;
    }
    DatabaseSecret s = DatabaseSecret.parse(v, fields);
    last = new Parsed(v, s);
    return s;
  }

  /** Called with each new version announced by the client, after the generation is bumped. */
  public void addRotationListener(Consumer<SecretValue> listener) {
    rotationListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private void rotated(SecretValue value) {
    generation.incrementAndGet();
    for (Consumer<SecretValue> l : rotationListeners) {
      l.accept(value);
    }
  }

  /**
   * The rotation generation: bumped once per announced version, before the rotation listeners run.
   * A login that read it before its credentials logged in with that generation's or an older one.
   */
  public long generation() {
    return generation.get();
  }

  /** Provider refreshes started by failed logins (for tests and diagnostics). */
  public long loginRefreshes() {
    return refreshes.get();
  }

  /** Connections that succeeded only after a login failure (for tests and diagnostics). */
  public long recoveries() {
    return recoveries.get();
  }

  /** Opens a connection with the current credentials, retrying login failures as described above. */
  public Connection connect(Connector connector) throws SQLException {
    return connect(connector, null);
  }

  /**
   * Opens a connection, first with {@code first} (the credentials a pool was handed a moment ago;
   * null for the current ones), retrying login failures as described above.
   */
  public Connection connect(Connector connector, DatabaseSecret first) throws SQLException {
    Objects.requireNonNull(connector, "connector");
    long started = ticker.getAsLong();
    long epoch = refreshEpoch;
    long gen = generation.get(); // before the credentials: a rotation after this point is noticed
    DatabaseSecret creds = first == null ? current() : first;
    SQLException failure;
    try {
      return open(connector, creds, gen);
    } catch (SQLException e) {
      if (!LoginFailures.isLoginFailure(e) || retryNanos <= 0) {
        throw e;
      }
      failure = e;
    }
    log.warn("Login to the database with secret '{}' (version {}) was refused ({}); refreshing the secret and"
        + " retrying for up to {} (secrets.jdbc.login-retry)", name, creds.versionId(),
        LoginFailures.describe(failure), Duration.ofNanos(retryNanos));
    long deadline = started + retryNanos;
    for (int round = 0; ; round++) {
      List<DatabaseSecret> tried = new ArrayList<>();
      tried.add(creds);
      for (int step = 0; step < 3; step++) {
        gen = generation.get();
        DatabaseSecret next = switch (step) {
          case 0 -> refreshed(epoch, creds);
          case 1 -> stage(VersionStage.PREVIOUS);
          default -> stage(VersionStage.PENDING);
        };
        if (next == null || tried.stream().anyMatch(next::sameCredentials)) {
          continue;
        }
        tried.add(next);
        epoch = refreshEpoch;
        try {
          Connection c = open(connector, next, gen);
          recoveries.incrementAndGet();
          log.info("Login to the database with secret '{}' succeeded with version {} ({}) after a refused login",
              name, next.versionId(), step == 0 ? "current, refreshed" : step == 1 ? "previous" : "pending");
          return c;
        } catch (SQLException e) {
          if (!LoginFailures.isLoginFailure(e)) {
            throw e;
          }
          failure = e;
          creds = next;
        }
      }
      long remaining = deadline - ticker.getAsLong();
      if (remaining <= 0) {
        throw exhausted(failure);
      }
      long cap = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(round, 5));
      long pause = Math.min(remaining, cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
      try {
        sleeper.sleep(pause);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        SQLException interrupted = new SQLException("Interrupted while retrying the login with secret '" + name + "'.",
            "08001", ie);
        interrupted.addSuppressed(failure);
        throw interrupted;
      }
      if (ticker.getAsLong() - deadline >= 0) {
        throw exhausted(failure);
      }
      epoch = refreshEpoch;
      gen = generation.get();
      creds = current();
      try {
        return open(connector, creds, gen);
      } catch (SQLException e) {
        if (!LoginFailures.isLoginFailure(e)) {
          throw e;
        }
        failure = e;
      }
    }
  }

  /**
   * The current credentials after at most one provider refresh per failure epoch: if another thread
   * refreshed since {@code epoch}, or the cache already holds other credentials, no provider call.
   */
  private DatabaseSecret refreshed(long epoch, DatabaseSecret failed) {
    DatabaseSecret now = current();
    if (!now.sameCredentials(failed)) {
      return now;
    }
    refreshLock.lock();
    try {
      if (refreshEpoch == epoch) {
        refreshes.incrementAndGet();
        try {
          client.refresh(name);
        } catch (RuntimeException e) {
          log.warn("Refreshing secret '{}' after a refused login failed ({}); trying the other stages", name,
              e.getClass().getSimpleName());
        }
        refreshEpoch = epoch + 1;
      }
    } finally {
      refreshLock.unlock();
    }
    return current();
  }

  private DatabaseSecret stage(VersionStage stage) {
    try {
      return DatabaseSecret.parse(client.value(name, stage), fields);
    } catch (SecretNotFoundException absent) {
      return null; // the store has no such stage (no rotation yet, or it keeps one version)
    } catch (RuntimeException e) {
      log.debug("Reading the {} version of secret '{}' failed ({}); skipping it", stage, name,
          e.getClass().getSimpleName());
      return null;
    }
  }

  /**
   * One login; replaced once when a rotation was announced since {@code gen} (read before
   * {@code creds}) while it was being opened.
   */
  private Connection open(Connector connector, DatabaseSecret creds, long gen) throws SQLException {
    Connection c = connector.connect(creds.username(), creds.password());
    if (generation.get() == gen) {
      return c;
    }
    DatabaseSecret now;
    try {
      now = current();
    } catch (RuntimeException e) {
      return c;
    }
    if (now.sameCredentials(creds)) {
      return c;
    }
    try {
      Connection fresh = connector.connect(now.username(), now.password());
      closeQuietly(c);
      log.debug("A connection with secret '{}' was opened while version {} was announced; reopened with it",
          name, now.versionId());
      return fresh;
    } catch (SQLException e) {
      return c; // the credentials it was opened with still work; the next rotation evicts it
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // a connection we never handed out
    }
  }

  private SQLException exhausted(SQLException failure) {
    return new SQLInvalidAuthorizationSpecException("The database refused the credentials of secret '" + name
        + "' (" + LoginFailures.describe(failure) + ") with its current, refreshed, previous and pending versions"
        + " for " + Duration.ofNanos(retryNanos) + " (secrets.jdbc.login-retry). Check that the role in the"
        + " secret exists and may log in, and that the secret holds its password (a rotation that changed the"
        + " database but not the secret?).", failure.getSQLState(), failure.getErrorCode(), failure);
  }

  @Override
  public void close() {
    subscription.close();
  }

  @Override
  public String toString() {
    return "CredentialSource[secret=" + name + "]";
  }
}
