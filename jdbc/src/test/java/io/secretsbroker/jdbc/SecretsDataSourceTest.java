package io.secretsbroker.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.SecretFormatException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** SecretsDataSource on the embedded PostgreSQL: logins, the login-failure path, bad input. */
class SecretsDataSourceTest extends PgRoleTest {
  @Override
  String rolePrefix() {
    return "ds";
  }

  private static String currentUser(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The outside rotation: the database first, then the store (the client's cache still holds the old value). */
  private String rotateOutside() {
    String next = remember(Fixtures.password());
    Pg.alterPassword(role, next);
    store.put("db", Fixtures.secret(role, next));
    return next;
  }

  @Test
  void getConnection_logsInWithTheSecret_fromTheCache() throws Exception {
    try (SecretsDataSource ds = new SecretsDataSource(client, "db", Pg.server())) {
      for (int i = 0; i < 5; i++) {
        try (Connection c = ds.getConnection()) {
          assertThat(currentUser(c)).isEqualTo(role);
        }
      }
      assertThat(store.fetchCount("db")).isEqualTo(1); // one cold load, then the cache
      assertThat(ds.secret().username()).isEqualTo(role);
      assertThat(ds.toString()).doesNotContain(password);
    }
  }

  @Test
  void getConnectionWithExplicitCredentials_passesThrough() throws Exception {
    try (SecretsDataSource ds = new SecretsDataSource(client, "db", Pg.server());
        Connection c = ds.getConnection(role, password)) {
      assertThat(currentUser(c)).isEqualTo(role);
    }
    assertThat(store.fetchCount("db")).isZero();
  }

  @Test
  void outsideRotation_recoversThroughOneRefresh() throws Exception {
    try (SecretsDataSource ds = new SecretsDataSource(client, "db", Pg.server())) {
      ds.getConnection().close();
      String next = rotateOutside();
      long before = store.fetchCount("db");
      try (Connection c = ds.getConnection()) {
        assertThat(currentUser(c)).isEqualTo(role);
      }
      assertThat(store.fetchCount("db") - before).isEqualTo(1);
      assertThat(ds.secret().password()).isEqualTo(next);
      ds.getConnection().close(); // now straight from the cache
      assertThat(store.fetchCount("db") - before).isEqualTo(1);
    }
    assertThat(logs.text()).contains("was refused (SQLState 28P01");
  }

  @Test
  void outsideRotation_withoutRetry_fails() throws Exception {
    try (SecretsDataSource ds = new SecretsDataSource(client, "db", Pg.server(), DatabaseSecret.Fields.defaults(),
        Duration.ZERO)) {
      ds.getConnection().close();
      rotateOutside();
      assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    }
  }

  @Test
  void eightThreadsFailingAtOnce_causeOneProviderCall() throws Exception {
    try (SecretsDataSource ds = new SecretsDataSource(client, "db", Pg.server())) {
      ds.getConnection().close();
      rotateOutside();
      long before = store.fetchCount("db");
      int n = 8;
      CyclicBarrier start = new CyclicBarrier(n);
      ExecutorService pool = Executors.newFixedThreadPool(n);
      try {
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          results.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            try (Connection c = ds.getConnection()) {
              return currentUser(c);
            }
          }));
        }
        for (Future<String> f : results) {
          assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(role);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(store.fetchCount("db") - before).isEqualTo(1);
    }
  }

  @Test
  void pendingVersion_isTriedWhileTheRotationWindowIsOpen() throws Exception {
    StagedStore staged = new StagedStore().seed("db", Fixtures.secret(role, password));
    try (SecretsClient c = Fixtures.client(staged); SecretsDataSource ds = new SecretsDataSource(c, "db", Pg.server())) {
      ds.getConnection().close();
      // a rotation Lambda: createSecret (stage PENDING), setSecret (ALTER ROLE); finishSecret not yet run
      String next = remember(Fixtures.password());
      staged.stage("db", Fixtures.secret(role, next));
      Pg.alterPassword(role, next);
      try (Connection conn = ds.getConnection()) {
        assertThat(currentUser(conn)).isEqualTo(role);
      }
      assertThat(staged.stageReads.get()).isPositive();
      assertThat(logs.text()).contains("(pending) after a refused login");
    }
  }

  @Test
  void previousVersion_isTriedWhenTheDatabaseWasNotChangedYet() throws Exception {
    StagedStore staged = new StagedStore().seed("db", Fixtures.secret(role, password));
    try (SecretsClient c = Fixtures.client(staged)) {
      // the store was promoted but the database still has the old password (a half-done rotation);
      // this client never saw the old version: its first value is the new one
      String next = remember(Fixtures.password());
      staged.stage("db", Fixtures.secret(role, next));
      staged.promote("db");
      try (SecretsDataSource ds = new SecretsDataSource(c, "db", Pg.server()); Connection conn = ds.getConnection()) {
        assertThat(currentUser(conn)).isEqualTo(role);
      }
      assertThat(logs.text()).contains("(previous) after a refused login");
    }
  }

  @Test
  void revokedRole_failsAfterTheRetryWindow_withAnActionableError() {
    Pg.exec("ALTER ROLE " + Pg.quote(role) + " NOLOGIN");
    try (SecretsDataSource ds = new SecretsDataSource(client, "db", Pg.server(), DatabaseSecret.Fields.defaults(),
        Duration.ofMillis(300))) {
      assertThatThrownBy(ds::getConnection).isInstanceOf(SQLInvalidAuthorizationSpecException.class)
          .hasMessageContaining("secret 'db'").hasMessageContaining("SQLState 28000")
          .hasMessageContaining("secrets.jdbc.login-retry").hasMessageContaining("may log in")
          .hasMessageNotContaining(password)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28000"))
          .cause().isInstanceOf(SQLException.class);
    }
  }

  @Test
  void unreachableHost_passesThroughUntouched_withoutARefresh() {
    PGSimpleDataSource nowhere = new PGSimpleDataSource();
    nowhere.setServerNames(new String[] {"127.0.0.1"});
    nowhere.setPortNumbers(new int[] {1}); // nothing listens on port 1
    nowhere.setConnectTimeout(2);
    try (SecretsDataSource ds = new SecretsDataSource(client, "db", nowhere)) {
      assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
          .isNotInstanceOf(SQLInvalidAuthorizationSpecException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"))
          .hasMessageNotContaining(password);
    }
    assertThat(store.fetchCount("db")).isEqualTo(1);
  }

  @Test
  void otherSqlErrors_passThroughUntouched() {
    PGSimpleDataSource noDb = Pg.server();
    noDb.setDatabaseName("no_such_database");
    try (SecretsDataSource ds = new SecretsDataSource(client, "db", noDb)) {
      assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("3D000"));
    }
    assertThat(store.fetchCount("db")).isEqualTo(1);
  }

  @Test
  void secretWithoutPassword_isAFormatError() {
    store.seed("broken", "{\"username\":\"" + role + "\",\"engine\":\"postgres\"}");
    try (SecretsDataSource ds = new SecretsDataSource(client, "broken", Pg.server())) {
      assertThatThrownBy(ds::getConnection).isInstanceOf(SecretFormatException.class)
          .hasMessageContaining("no field 'password'");
    }
  }

  @Test
  void missingSecret_isNotFound() {
    try (SecretsDataSource ds = new SecretsDataSource(client, "absent", Pg.server())) {
      assertThatThrownBy(ds::getConnection).isInstanceOf(SecretNotFoundException.class);
    }
  }

  @Test
  void nullArguments_areNamed() {
    assertThatThrownBy(() -> new SecretsDataSource(null, "db", Pg.server())).hasMessage("client");
    assertThatThrownBy(() -> new SecretsDataSource(client, null, Pg.server())).hasMessage("secretName");
    assertThatThrownBy(() -> new SecretsDataSource(client, "db", null)).hasMessage("target");
  }
}
