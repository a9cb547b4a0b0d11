package io.secretsbroker.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.secretsbroker.Rotation;
import io.secretsbroker.RotationTarget;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proof of the issue: a pool of 8 under continuous load from 8 threads while the password is
 * rotated 20 times, through {@code rotate} with the PostgreSQL target (both strategies) and
 * outside the process (ALTER ROLE plus a store update, as a rotation Lambda does). Every interval
 * between rotations is waited for with latches (each thread completes a query that started after
 * the rotation), never with sleeps.
 */
class RotationLoadTest {
  private static final int THREADS = 8;
  private static final int ROTATIONS = 20;
  private static final Set<String> PASSWORDS = ConcurrentHashMap.newKeySet();
  private static LogCapture logs;

  @BeforeAll
  static void start() {
    logs = LogCapture.install();
    Pg.get();
  }

  @AfterAll
  static void noPasswordLogged() {
    logs.assertNoneOf(PASSWORDS);
  }

  /** What each rotation left behind, as the workers check it. */
  private record Landed(int index, Instant appliedAt, String user, CountDownLatch seen) {
    Landed(int index, Instant appliedAt, String user) {
      this(index, appliedAt, user, new CountDownLatch(THREADS));
    }
  }

  /** Continuous queries from 8 threads; each checkout started after rotation k is checked against it. */
  private static final class Load implements AutoCloseable {
    final HikariDataSource pool;
    final AtomicReference<Landed> landed = new AtomicReference<>(new Landed(-1, Instant.EPOCH, null));
    final AtomicLong queries = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final CountDownLatch firstFailure = new CountDownLatch(1);
    final ExecutorService workers = Executors.newFixedThreadPool(THREADS);
    final List<Future<?>> running = new ArrayList<>();
    volatile boolean stop;

    Load(HikariDataSource pool) {
      this.pool = pool;
      for (int i = 0; i < THREADS; i++) {
        running.add(workers.submit(this::work));
      }
    }

    private void work() {
      int lastCounted = -1;
      while (!stop) {
        Landed before = landed.get();
        try (Connection c = pool.getConnection();
            Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT usename, backend_start FROM pg_stat_activity"
                + " WHERE pid = pg_backend_pid()")) {
          rs.next();
          String user = rs.getString(1);
          Instant started = rs.getTimestamp(2).toInstant();
          queries.incrementAndGet();
          // checked against the rotation that had landed when the checkout started, unless another landed since
          if (before.index > 0 && landed.get() == before) {
            if (started.isBefore(before.appliedAt)) {
              violations.add("rotation " + before.index + ": a connection opened at " + started
                  + " before the new password was set at " + before.appliedAt + " was handed out after it");
            }
            if (before.user != null && !before.user.equals(user)) {
              violations.add("rotation " + before.index + ": logged in as " + user + ", expected " + before.user
                  + " (session started " + started + ", new password set " + before.appliedAt + ")");
            }
          }
          if (before.index != lastCounted) {
            lastCounted = before.index;
            before.seen.countDown();
          }
        } catch (SQLException | RuntimeException e) {
          failures.incrementAndGet();
          if (errors.size() < 5) {
            errors.add(e.getClass().getName() + (e instanceof SQLException s ? " " + s.getSQLState() : ""));
          }
          firstFailure.countDown();
        }
      }
    }

    /** Publishes rotation k and waits until every thread completed a query that started after it. */
    void landedAndAwait(Landed k) throws InterruptedException {
      landed.set(k);
      assertThat(k.seen.await(60, TimeUnit.SECONDS)).as("every thread queried after rotation " + k.index).isTrue();
    }

    /**
     * Waits until the pool holds all its connections: then none is between its login and joining
     * the pool, where an eviction cannot reach it (a pool state, polled; not a timing assumption).
     */
    void awaitPoolFull() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (pool.getHikariPoolMXBean().getTotalConnections() < THREADS) {
        assertThat(System.nanoTime() - deadline).as("pool refilled").isNegative();
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
    }

    @Override
    public void close() throws Exception {
      stop = true;
      for (Future<?> f : running) {
        f.get(60, TimeUnit.SECONDS);
      }
      workers.shutdown();
      pool.close();
    }
  }

  private static HikariConfig poolConfig() {
    HikariConfig c = new HikariConfig();
    c.setMaximumPoolSize(THREADS);
    c.setMinimumIdle(THREADS);
    c.setConnectionTimeout(20_000);
    c.setPoolName("load");
    return c;
  }

  /** Records when the target finished apply (the instant from which only the new credentials may log in). */
  private static final class Recording implements RotationTarget {
    final RotationTarget delegate;
    volatile Instant appliedAt;

    Recording(RotationTarget delegate) {
      this.delegate = delegate;
    }

    @Override
    public void apply(SecretValue candidate, SecretValue current) throws Exception {
      delegate.apply(candidate, current);
      appliedAt = Instant.now();
    }

    @Override
    public void verify(SecretValue candidate) throws Exception {
      delegate.verify(candidate);
    }
  }

  private static String verifierOf(String role) throws SQLException {
    try (Connection c = Pg.admin().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT rolpassword FROM pg_authid WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"single user", "alternating users"})
  void twentyRotationsThroughRotate_underLoad_noQueryFails(String strategy) throws Exception {
    boolean alternating = strategy.startsWith("alternating");
    String role = Fixtures.role("load");
    String pw = Fixtures.password();
    PASSWORDS.add(pw);
    Pg.createRole(role, pw);
    InMemorySecretProvider store = new InMemorySecretProvider().seed("db", Fixtures.secret(role, pw));
    try (SecretsClient client = Fixtures.client(store);
        Load load = new Load(SecretsHikari.dataSource(client, "db", poolConfig()))) {
      Recording target = new Recording(alternating ? PostgresRotationTarget.alternatingUsers(Pg.admin())
          : PostgresRotationTarget.singleUser(Pg.admin()));
      Rotation rotation = Rotation.builder().generator(DatabaseRotation.generator(DatabaseSecret.Fields.defaults(),
          alternating)).target(target).build();
      load.landedAndAwait(new Landed(0, Instant.EPOCH, null)); // warm: every thread is querying
      Set<String> verifiers = new HashSet<>();
      verifiers.add(verifierOf(role));
      for (int k = 1; k <= ROTATIONS; k++) {
        DatabaseSecret now = DatabaseSecret.parse(client.rotate("db", rotation));
        PASSWORDS.add(now.password());
        load.landedAndAwait(new Landed(k, target.appliedAt, now.username()));
        verifiers.add(verifierOf(now.username()));
      }
      assertThat(verifiers).as("a new password verifier in pg_authid per rotation").hasSize(ROTATIONS + 1);
      load.stop = true;
      assertThat(load.errors).isEmpty();
      assertThat(load.failures.get()).as("failed queries").isZero();
      assertThat(load.violations).isEmpty();
      assertThat(load.queries.get()).isGreaterThan(ROTATIONS * THREADS);
    }
  }

  /**
   * What a rotation Lambda does outside the process: the database first, then the store. Returns
   * when the database had the new password.
   */
  private static Instant rotateOutside(String role, InMemorySecretProvider store) {
    String next = Fixtures.password();
    PASSWORDS.add(next);
    Pg.alterPassword(role, next);
    Instant altered = Instant.now();
    store.put("db", Fixtures.secret(role, next));
    return altered;
  }

  @Test
  void twentyRotationsOutsideTheProcess_recoverThroughLoginFailure_oneProviderCallEach() throws Exception {
    String role = Fixtures.role("outside");
    String pw = Fixtures.password();
    PASSWORDS.add(pw);
    Pg.createRole(role, pw);
    InMemorySecretProvider store = new InMemorySecretProvider().seed("db", Fixtures.secret(role, pw));
    try (SecretsClient client = Fixtures.client(store);
        SecretsCredentialsProvider provider = SecretsCredentialsProvider.builder(client, "db")
            .loginRetry(Duration.ofSeconds(30)).build();
        Load load = new Load(SecretsHikari.dataSource(provider, poolConfig()))) {
      load.landedAndAwait(new Landed(0, Instant.EPOCH, null));
      for (int k = 1; k <= ROTATIONS; k++) {
        load.awaitPoolFull();
        long fetches = store.fetchCount("db");
        long refreshes = provider.source().loginRefreshes();
        Instant altered = rotateOutside(role, store);
        // the client does not know yet; connections reach the end of their life (as max-lifetime would)
        load.pool.getHikariPoolMXBean().softEvictConnections();
        load.landedAndAwait(new Landed(k, altered, role));
        assertThat(store.fetchCount("db") - fetches).as("provider calls for rotation " + k).isEqualTo(1);
        assertThat(provider.source().loginRefreshes() - refreshes).isEqualTo(1);
      }
      load.stop = true;
      assertThat(load.errors).isEmpty();
      assertThat(load.failures.get()).as("failed queries").isZero();
      assertThat(load.violations).isEmpty();
      assertThat(provider.source().recoveries()).isGreaterThanOrEqualTo(ROTATIONS);
    }
  }

  @Test
  void outsideRotation_withTheRetryOff_failsQueries() throws Exception {
    String role = Fixtures.role("noretry");
    String pw = Fixtures.password();
    PASSWORDS.add(pw);
    Pg.createRole(role, pw);
    InMemorySecretProvider store = new InMemorySecretProvider().seed("db", Fixtures.secret(role, pw));
    HikariConfig config = poolConfig();
    config.setConnectionTimeout(1_000);
    try (SecretsClient client = Fixtures.client(store);
        SecretsCredentialsProvider provider = SecretsCredentialsProvider.builder(client, "db")
            .loginRetry(Duration.ZERO).build();
        Load load = new Load(SecretsHikari.dataSource(provider, config))) {
      load.landedAndAwait(new Landed(0, Instant.EPOCH, null));
      load.awaitPoolFull();
      rotateOutside(role, store);
      load.pool.getHikariPoolMXBean().softEvictConnections();
      // the very scenario the test above survives: without the retry the pool cannot log in any more
      assertThat(load.firstFailure.await(60, TimeUnit.SECONDS)).isTrue();
      load.stop = true;
      assertThat(load.failures.get()).isPositive();
    }
  }
}
