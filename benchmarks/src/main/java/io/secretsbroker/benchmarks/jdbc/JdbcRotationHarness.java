package io.secretsbroker.benchmarks.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.secretsbroker.Rotation;
import io.secretsbroker.SecretsClient;
import com.amazonaws.secretsmanager.caching.SecretCache;
import com.amazonaws.secretsmanager.sql.AWSSecretsManagerPostgreSQLDriver;
import io.secretsbroker.benchmarks.LatencyRecorder;
import io.secretsbroker.benchmarks.StubSecretsManager;
import io.secretsbroker.jdbc.DatabaseRotation;
import io.secretsbroker.jdbc.DatabaseSecret;
import io.secretsbroker.jdbc.SecretsHikari;
import io.secretsbroker.testkit.InMemorySecretProvider;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Database rotation under steady load, side by side in one run on an embedded PostgreSQL 14: a
 * pool of 8 connections and 8 query threads; a baseline phase without rotation, then 20
 * single-user or alternating-users rotations through {@code SecretsClient.rotate}; failed
 * queries and latency percentiles of each phase (one query = checkout + {@code SELECT 1} +
 * return). Connections end their life as they do in production (serverless scale-in, max
 * lifetime, network blips): each thread evicts its connection after every {@code churn} queries,
 * the same for every row, so the pool keeps logging in.
 *
 * <ul>
 *   <li>{@code plain}: a Hikari pool given the password once at start-up (what most functions do
 *       today), the secret rotated single-user under it.
 *   <li>{@code aws-jdbc}: {@code com.amazonaws.secretsmanager:aws-secretsmanager-jdbc}'s
 *       PostgreSQL driver over the benchmarks' in-memory Secrets Manager
 *       ({@link StubSecretsManager}), fed each rotated value as AWS's rotation would; its own
 *       login-failure retry (refresh the cache, retry) is what carries it across a rotation.
 *   <li>{@code ours-single}: {@link SecretsHikari} with single-user rotation.
 *   <li>{@code ours-alternating}: {@link SecretsHikari} with alternating-users rotation.
 * </ul>
 *
 * <p>Run (from the repository root):
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.secretsbroker.benchmarks.jdbc.JdbcRotationHarness \
 *     [baselineSeconds=5] [rotations=20] [rotationGapMs=300] [churn=50]
 * </pre>
 * Goal: ours 0 failures, p99 during rotation within 2x of p99 without. Threads: {@link #main}
 * runs one scenario at a time; each starts and joins its own query threads.
 */
public final class JdbcRotationHarness {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int THREADS = 8;

  private JdbcRotationHarness() {}

  record Result(String name, long baseQueries, long baseFailures, long baseP50, long baseP99, long rotQueries,
      long rotFailures, long rotP50, long rotP99, long rotMax) {}

  public static void main(String[] args) throws Exception {
    int baselineSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int rotations = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int gapMs = args.length > 2 ? Integer.parseInt(args[2]) : 300;
    int churn = args.length > 3 ? Integer.parseInt(args[3]) : 50;
    // the AWS driver's static initializer builds a default SDK client (never used here); it needs a region
    if (System.getProperty("aws.region") == null) {
      System.setProperty("aws.region", "eu-west-1");
    }
    java.nio.file.Path log = Files.createTempFile("harness-pg-", ".log");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setServerConfig("max_connections", "200")
        .setDataDirectoryCustomizer(dir -> {
          try {
            Files.writeString(dir.toPath().resolve("pg_hba.conf"), "host all postgres 127.0.0.1/32 trust\n"
                + "host all postgres ::1/128 trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
                + "host all all ::1/128 scram-sha-256\n", StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        })
        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start()) {
      List<Result> results = new ArrayList<>();
      for (String scenario : List.of("plain", "aws-jdbc", "ours-single", "ours-alternating")) {
        results.add(run(pg, scenario, baselineSeconds, rotations, gapMs, churn));
      }
      System.out.printf(Locale.ROOT, "%n%d threads, pool %d, churn every %d queries per thread, baseline %d s, "
          + "%d rotations %d ms apart%n", THREADS, THREADS, churn, baselineSeconds, rotations, gapMs);
      System.out.printf(Locale.ROOT, "%-18s %10s %8s %8s %8s | %10s %8s %8s %8s %8s %6s%n", "scenario",
          "base q", "fail", "p50 µs", "p99 µs", "rot q", "fail", "p50 µs", "p99 µs", "max µs", "p99x");
      for (Result r : results) {
        System.out.printf(Locale.ROOT, "%-18s %10d %8d %8d %8d | %10d %8d %8d %8d %8d %6.2f%n", r.name,
            r.baseQueries, r.baseFailures, r.baseP50, r.baseP99, r.rotQueries, r.rotFailures, r.rotP50, r.rotP99,
            r.rotMax, r.baseP99 == 0 ? 0.0 : (double) r.rotP99 / r.baseP99);
      }
    }
  }

  private static String secret(EmbeddedPostgres pg, String user, String password) {
    ObjectNode n = JSON.createObjectNode();
    n.put("username", user);
    n.put("password", password);
    n.put("engine", "postgres");
    n.put("host", "localhost");
    n.put("port", pg.getPort());
    n.put("dbname", "postgres");
    return n.toString();
  }

  private static Result run(EmbeddedPostgres pg, String scenario, int baselineSeconds, int rotations, int gapMs,
      int churn) throws Exception {
    String role = "bench_" + scenario.replace('-', '_');
    String password = "Pw" + UUID.randomUUID().toString().replace("-", "");
    DataSource admin = pg.getPostgresDatabase();
    try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
    }
    InMemorySecretProvider store = new InMemorySecretProvider().seed("db", secret(pg, role, password));
    boolean alternating = scenario.endsWith("alternating");
    try (SecretsClient client = SecretsClient.builder().provider(store).ambientConfiguration(false)
        .property("secrets.guard", "off").property("secrets.audit", "off").build()) {
      HikariConfig config = new HikariConfig();
      config.setMaximumPoolSize(THREADS);
      config.setMinimumIdle(THREADS);
      config.setConnectionTimeout(5_000);
      config.setPoolName(scenario);
      HikariDataSource pool;
      StubSecretsManager stub = new StubSecretsManager().seed("db", secret(pg, role, password)).versionId("1");
      if (scenario.equals("aws-jdbc")) {
        AWSSecretsManagerPostgreSQLDriver driver = new AWSSecretsManagerPostgreSQLDriver(new SecretCache(stub));
        String url = "jdbc-secretsmanager:postgresql://localhost:" + pg.getPort() + "/postgres";
        config.setDataSource(new DriverDataSource(driver, url));
        config.setUsername("db"); // the AWS driver takes the secret id as the user
        config.setPassword("");
        pool = new HikariDataSource(config);
      } else if (scenario.equals("plain")) {
        DatabaseSecret s = DatabaseSecret.parse(client.value("db")); // read once at start-up
        config.setJdbcUrl(s.jdbcUrl());
        config.setUsername(s.username());
        config.setPassword(s.password());
        pool = new HikariDataSource(config);
      } else {
        pool = SecretsHikari.dataSource(client, "db", config);
      }
      Rotation rotation = alternating ? DatabaseRotation.alternatingUsers(admin) : DatabaseRotation.singleUser(admin);
      try (pool) {
        Phase phase = new Phase(pool, churn);
        phase.start();
        LockSupport.parkNanos(1_000_000_000L); // warm up
        phase.switchTo(0);
        LockSupport.parkNanos(baselineSeconds * 1_000_000_000L);
        phase.switchTo(1);
        for (int i = 0; i < rotations; i++) {
          io.secretsbroker.SecretValue v = client.rotate("db", rotation);
          stub.seed("db", v.asString()).versionId(v.versionId()); // what the AWS-side rotation publishes
          LockSupport.parkNanos(gapMs * 1_000_000L);
        }
        phase.stop();
        LatencyRecorder base = phase.merged(0);
        LatencyRecorder rot = phase.merged(1);
        return new Result(scenario, base.count(), phase.failures[0].get(), base.percentileMicros(50),
            base.percentileMicros(99), rot.count(), phase.failures[1].get(), rot.percentileMicros(50),
            rot.percentileMicros(99), rot.maxNanos() / 1000);
      }
    }
  }

  /** A DataSource over one driver and URL; user and password go in as properties. */
  private record DriverDataSource(java.sql.Driver driver, String url) implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      throw new SQLException("credentials required");
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      java.util.Properties p = new java.util.Properties();
      p.setProperty("user", user);
      p.setProperty("password", password);
      return driver.connect(url, p);
    }

    @Override
    public java.io.PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(java.io.PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public java.util.logging.Logger getParentLogger() {
      return java.util.logging.Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }

  /** The query threads; each records into its own recorder per phase. */
  private static final class Phase {
    final HikariDataSource pool;
    final int churn;
    final AtomicInteger current = new AtomicInteger(-1);
    final AtomicLong[] failures = {new AtomicLong(), new AtomicLong()};
    final List<LatencyRecorder[]> recorders = new ArrayList<>();
    final List<Thread> threads = new ArrayList<>();
    volatile boolean stop;

    Phase(HikariDataSource pool, int churn) {
      this.pool = pool;
      this.churn = churn;
    }

    void start() {
      for (int i = 0; i < THREADS; i++) {
        LatencyRecorder[] r = {new LatencyRecorder(), new LatencyRecorder()};
        recorders.add(r);
        Thread t = new Thread(() -> loop(r), "query-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    void switchTo(int phase) {
      current.set(phase);
    }

    private void loop(LatencyRecorder[] r) {
      long n = 0;
      while (!stop) {
        int p = current.get();
        long t0 = System.nanoTime();
        try {
          Connection c = pool.getConnection();
          try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
          }
          if (++n % churn == 0) {
            pool.evictConnection(c); // the end of this connection's life
          } else {
            c.close();
          }
          if (p >= 0) {
            r[p].record(System.nanoTime() - t0);
          }
        } catch (SQLException | RuntimeException e) {
          if (p >= 0) {
            failures[p].incrementAndGet();
          }
        }
      }
    }

    void stop() throws InterruptedException {
      stop = true;
      for (Thread t : threads) {
        t.join(30_000);
      }
    }

    LatencyRecorder merged(int phase) {
      LatencyRecorder all = new LatencyRecorder();
      for (LatencyRecorder[] r : recorders) {
        all.add(r[phase]);
      }
      return all;
    }
  }
}
