package io.secretsbroker.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.SecretsClient;
import io.secretsbroker.jdbc.DatabaseSecret;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The login-retry policy, with a fake ticker and a sleeper that advances it (no real waiting). */
class CredentialSourceTest {
  private static final String PW = "Pw" + UUID.randomUUID();
  private final InMemorySecretProvider store = new InMemorySecretProvider()
      .seed("db", "{\"username\":\"app\",\"password\":\"" + PW + "\"}");
  private final SecretsClient client = SecretsClient.builder().provider(store).ambientConfiguration(false)
      .executor(Runnable::run).property("secrets.guard", "off").build();
  private final AtomicLong now = new AtomicLong();
  private final List<Long> pauses = new ArrayList<>();

  @AfterEach
  void close() {
    client.close();
  }

  private CredentialSource source(Duration retry) {
    return new CredentialSource(client, "db", DatabaseSecret.Fields.defaults(), retry, now::get, nanos -> {
      pauses.add(nanos);
      now.addAndGet(nanos);
    });
  }

  private static SQLException refused(String state, int code) {
    return new SQLException("authentication failed for user \"app\"", state, code);
  }

  @Test
  void loginFailureCodes_ofEachEngine() {
    assertThat(LoginFailures.isLoginFailure(refused("28P01", 0))).isTrue();
    assertThat(LoginFailures.isLoginFailure(refused("28000", 0))).isTrue();
    assertThat(LoginFailures.isLoginFailure(refused("28000", 1045))).isTrue(); // MySQL access denied
    assertThat(LoginFailures.isLoginFailure(refused("S0001", 18456))).isTrue(); // SQL Server login failed
    assertThat(LoginFailures.isLoginFailure(new RuntimeException(refused("08S01", 1045)))).isTrue(); // nested
    assertThat(LoginFailures.isLoginFailure(refused("08001", 0))).isFalse();
    assertThat(LoginFailures.isLoginFailure(refused("3D000", 0))).isFalse();
    assertThat(LoginFailures.isLoginFailure(refused(null, 0))).isFalse();
  }

  @Test
  void otherSqlErrors_passThroughAsTheSameInstance_withoutARefresh() {
    SQLException unreachable = refused("08001", 0);
    CredentialSource s = source(Duration.ofSeconds(30));
    assertThatThrownBy(() -> s.connect((u, p) -> {
      throw unreachable;
    })).isSameAs(unreachable);
    assertThat(s.loginRefreshes()).isZero();
    assertThat(pauses).isEmpty();
  }

  @Test
  void retryOff_rethrowsTheLoginFailureAsIs() {
    SQLException denied = refused("28P01", 0);
    CredentialSource s = source(Duration.ZERO);
    assertThatThrownBy(() -> s.connect((u, p) -> {
      throw denied;
    })).isSameAs(denied);
    assertThat(s.loginRefreshes()).isZero();
  }

  @Test
  void retry_isBoundedByLoginRetry_withJitteredGrowingPauses() {
    CredentialSource s = source(Duration.ofSeconds(10));
    List<String> users = new ArrayList<>();
    assertThatThrownBy(() -> s.connect((u, p) -> {
      users.add(u);
      throw refused("28P01", 0);
    })).isInstanceOf(SQLInvalidAuthorizationSpecException.class).hasMessageContaining("PT10S")
        .hasMessageNotContaining(PW);
    assertThat(now.get()).isEqualTo(Duration.ofSeconds(10).toNanos()); // the last pause is cut at the deadline
    long total = pauses.stream().mapToLong(Long::longValue).sum();
    assertThat(total).isEqualTo(Duration.ofSeconds(10).toNanos());
    for (int i = 0; i < pauses.size() - 1; i++) {
      long cap = Math.min(Duration.ofSeconds(2).toNanos(), Duration.ofMillis(100).toNanos() << Math.min(i, 5));
      assertThat(pauses.get(i)).as("pause " + i).isBetween(cap / 2, cap);
    }
    assertThat(users).allMatch("app"::equals).hasSizeGreaterThan(5);
    // one provider refresh per round at most (the value never changed, so each round asks again)
    assertThat(s.loginRefreshes()).isLessThanOrEqualTo(pauses.size() + 1);
  }

  @Test
  void recoveryAfterARefresh_usesTheNewValue() throws Exception {
    CredentialSource s = source(Duration.ofSeconds(30));
    s.current();
    String next = "Pw" + UUID.randomUUID();
    store.put("db", "{\"username\":\"app\",\"password\":\"" + next + "\"}");
    List<String> tried = new ArrayList<>();
    Connection c = s.connect((u, p) -> {
      tried.add(p.equals(PW) ? "old" : p.equals(next) ? "new" : "?");
      if (!p.equals(next)) {
        throw refused("28P01", 0);
      }
      return null; // stands for the connection; the policy does not look at it
    });
    assertThat(c).isNull();
    assertThat(tried).containsExactly("old", "new");
    assertThat(s.loginRefreshes()).isEqualTo(1);
    assertThat(s.recoveries()).isEqualTo(1);
    assertThat(pauses).isEmpty();
  }

  @Test
  void secondFailureWithTheSameOldCredentials_doesNotRefreshAgain() throws Exception {
    CredentialSource s = source(Duration.ofSeconds(30));
    DatabaseSecret old = s.current();
    String next = "Pw" + UUID.randomUUID();
    store.put("db", "{\"username\":\"app\",\"password\":\"" + next + "\"}");
    Connector onlyNew = (u, p) -> {
      if (!p.equals(next)) {
        throw refused("28P01", 0);
      }
      return null;
    };
    s.connect(onlyNew);
    s.connect(onlyNew, old); // a pool that was handed the old credentials a moment ago
    assertThat(s.loginRefreshes()).isEqualTo(1);
    assertThat(store.fetchCount("db")).isEqualTo(2); // the cold load and the one refresh
  }
}
