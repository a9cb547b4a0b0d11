package io.secretsbroker.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.Credentials;
import io.secretsbroker.SecretFormatException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** SecretsCredentialsProvider and SecretsHikari on the embedded PostgreSQL. */
class SecretsHikariTest extends PgRoleTest {
  @Override
  String rolePrefix() {
    return "hk";
  }

  private static HikariConfig config() {
    HikariConfig c = new HikariConfig();
    c.setMaximumPoolSize(4);
    c.setMinimumIdle(2);
    c.setConnectionTimeout(10_000);
    return c;
  }

  private static int pid(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String currentUser(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void credentialsProvider_readsTheCache_noProviderCallPerConnection() {
    try (SecretsCredentialsProvider p = SecretsCredentialsProvider.of(client, "db")) {
      for (int i = 0; i < 10; i++) {
        Credentials c = p.getCredentials();
        assertThat(c.getUsername()).isEqualTo(role);
        assertThat(c.getPassword()).isEqualTo(password);
      }
      assertThat(store.fetchCount("db")).isEqualTo(1);
      assertThat(p.toString()).doesNotContain(password);
    }
  }

  @Test
  void pool_withoutJdbcUrl_takesItFromTheSecret_andNewConnectionsUseTheCache() throws Exception {
    try (HikariDataSource pool = SecretsHikari.dataSource(client, "db", config())) {
      assertThat(pool.getJdbcUrl()).isEqualTo(Pg.url());
      Set<Integer> pids = new HashSet<>();
      for (int round = 0; round < 5; round++) {
        try (Connection c = pool.getConnection()) {
          assertThat(currentUser(c)).isEqualTo(role);
          pids.add(pid(c));
        }
        pool.getHikariPoolMXBean().softEvictConnections(); // as max-lifetime would: new physical connections
      }
      assertThat(pids).hasSize(5);
      assertThat(store.fetchCount("db")).isEqualTo(1);
    }
  }

  @Test
  void pool_withExplicitJdbcUrl_usesIt() throws Exception {
    HikariConfig c = config();
    c.setJdbcUrl(Pg.url());
    c.setUsername("ignored");
    store.seed("bare", "{\"username\":\"" + role + "\",\"password\":\"" + password + "\"}");
    try (HikariDataSource pool = SecretsHikari.dataSource(client, "bare", c); Connection conn = pool.getConnection()) {
      assertThat(currentUser(conn)).isEqualTo(role);
    }
    assertThat(c.getUsername()).as("the caller's config is not changed").isEqualTo("ignored");
  }

  @Test
  void rotation_softEvicts_busyConnectionsFinishTheirTransactionFirst() throws Exception {
    try (HikariDataSource pool = SecretsHikari.dataSource(client, "db", config())) {
      Set<Integer> before = new HashSet<>();
      Connection busy = pool.getConnection();
      busy.setAutoCommit(false);
      try (Statement st = busy.createStatement()) {
        st.execute("CREATE TEMP TABLE t(x int)");
        st.execute("INSERT INTO t VALUES (1)");
      }
      int busyPid = pid(busy);
      before.add(busyPid);
      try (Connection idle = pool.getConnection()) {
        before.add(pid(idle));
      }

      client.rotate("db", DatabaseRotation.singleUser(Pg.admin()));
      remember(DatabaseSecret.parse(client.value("db")).password());

      // the transaction that was running finishes on its old session
      try (Statement st = busy.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      busy.commit();
      busy.close(); // returned: evicted, not reused
      for (int i = 0; i < 8; i++) {
        try (Connection c = pool.getConnection()) {
          assertThat(before).doesNotContain(pid(c));
          assertThat(currentUser(c)).isEqualTo(role);
        }
      }
    }
  }

  @Test
  void alternatingRotation_newConnectionsLogInAsTheOtherRole() throws Exception {
    try (HikariDataSource pool = SecretsHikari.dataSource(client, "db", config())) {
      try (Connection c = pool.getConnection()) {
        assertThat(currentUser(c)).isEqualTo(role);
      }
      client.rotate("db", DatabaseRotation.alternatingUsers(Pg.admin()));
      remember(DatabaseSecret.parse(client.value("db")).password());
      for (int i = 0; i < 6; i++) {
        try (Connection c = pool.getConnection()) {
          assertThat(currentUser(c)).isEqualTo(role + "_clone");
        }
      }
    }
  }

  /**
   * A DataSource at the test server that, once armed, holds its next connection after the login
   * succeeded: before returning it, or (at set-up) at the pool's first call on it, since Hikari's
   * set-up reads {@code getAutoCommit} before it adds a new connection to its set. There the login
   * has finished and the pool has not added the connection yet.
   */
  static final class HoldingDataSource extends PGSimpleDataSource {
    final AtomicBoolean armed = new AtomicBoolean();
    final CountDownLatch opened = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final boolean atSetUp;

    HoldingDataSource(boolean atSetUp) {
      this.atSetUp = atSetUp;
      setServerNames(new String[] {"localhost"});
      setPortNumbers(new int[] {Pg.port()});
      setDatabaseName("postgres");
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      Connection real = super.getConnection(user, password);
      if (!armed.compareAndSet(true, false)) {
        return real;
      }
      if (!atSetUp) {
        hold();
        return real;
      }
      AtomicBoolean held = new AtomicBoolean();
      InvocationHandler h = (proxy, method, args) -> {
        if (method.getName().equals("getAutoCommit") && held.compareAndSet(false, true)) {
          hold();
        }
        try {
          return method.invoke(real, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      };
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
          h);
    }

    private void hold() {
      opened.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void connectionOpenedWhileARotationLands_doesNotKeepTheOldCredential() throws Exception {
    HoldingDataSource server = new HoldingDataSource(false);
    ExecutorService opener = Executors.newSingleThreadExecutor();
    try (SecretsDataSource ds = new SecretsDataSource(client, "db", server)) {
      ds.getConnection().close();
      server.armed.set(true);
      Future<String> user = opener.submit(() -> {
        try (Connection c = ds.getConnection()) {
          return currentUser(c);
        }
      });
      assertThat(server.opened.await(30, TimeUnit.SECONDS)).isTrue(); // logged in as the old role, not returned yet
      client.rotate("db", DatabaseRotation.alternatingUsers(Pg.admin())); // old credentials keep working
      remember(DatabaseSecret.parse(client.value("db")).password());
      server.release.countDown();
      assertThat(user.get(30, TimeUnit.SECONDS)).isEqualTo(role + "_clone");
    } finally {
      opener.shutdownNow();
    }
  }

  @Test
  void loginFinishedBeforeARotation_joinedThePoolAfterIt_isNotHandedOut() throws Exception {
    HoldingDataSource server = new HoldingDataSource(true);
    HikariConfig c = config();
    c.setMaximumPoolSize(1);
    c.setMinimumIdle(1);
    c.setDataSource(server);
    try (HikariDataSource pool = SecretsHikari.dataSource(client, "db", c)) {
      int first;
      try (Connection conn = pool.getConnection()) {
        first = pid(conn);
      }
      server.armed.set(true);
      pool.getHikariPoolMXBean().softEvictConnections(); // as max-lifetime would: the pool logs in again
      assertThat(server.opened.await(30, TimeUnit.SECONDS)).isTrue(); // as the old role; not in the pool yet
      client.rotate("db", DatabaseRotation.alternatingUsers(Pg.admin())); // its soft-evict cannot see it
      remember(DatabaseSecret.parse(client.value("db")).password());
      server.release.countDown(); // it joins the pool now, after the rotation completed
      for (int i = 0; i < 3; i++) {
        try (Connection conn = pool.getConnection()) {
          assertThat(currentUser(conn)).as("checkout %d after the rotation", i).isEqualTo(role + "_clone");
          assertThat(pid(conn)).isNotEqualTo(first);
        }
      }
    }
  }

  @Test
  void malformedSecret_failsBeforeThePoolStarts() {
    store.seed("broken", "{\"username\":\"" + role + "\",\"engine\":\"postgres\",\"host\":\"localhost\"}");
    assertThatThrownBy(() -> SecretsHikari.dataSource(client, "broken", config()))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("no field 'password'");
  }

  @Test
  void wrongEngine_failsBeforeThePoolStarts_withoutRepeatingIt() {
    String engine = "db2-" + Fixtures.password();
    store.seed("odd", "{\"username\":\"" + role + "\",\"password\":\"" + password + "\",\"engine\":\"" + engine
        + "\",\"host\":\"localhost\"}");
    assertThatThrownBy(() -> SecretsHikari.dataSource(client, "odd", config()))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("'engine'")
        .hasMessageContaining("give the pool a JDBC URL").hasMessageNotContaining(engine)
        .hasMessageNotContaining(password);
    assertThat(logs.text()).doesNotContain(engine);
  }

  @Test
  void secretWithoutHostAndNoUrl_saysWhatToAdd() {
    store.seed("bare", "{\"username\":\"" + role + "\",\"password\":\"" + password + "\"}");
    assertThatThrownBy(() -> SecretsHikari.dataSource(client, "bare", config()))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("give the pool a JDBC URL")
        .hasMessageNotContaining(password);
  }

  @Test
  void nullArguments_areNamed() {
    assertThatThrownBy(() -> SecretsHikari.dataSource(null, "db", config())).hasMessage("client");
    assertThatThrownBy(() -> SecretsHikari.dataSource(client, null, config())).hasMessage("secretName");
    assertThatThrownBy(() -> SecretsHikari.dataSource(client, "db", null)).hasMessage("config");
    assertThatThrownBy(() -> SecretsCredentialsProvider.of(client, null)).hasMessage("secretName");
  }
}
