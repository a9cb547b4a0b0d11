package io.secretsbroker.jdbc;

import io.secretsbroker.SecretsClient;
import io.secretsbroker.testkit.InMemorySecretProvider;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests on the embedded PostgreSQL share: before each test a fresh login role with a
 * random password, a store holding it as secret {@code db} (the AWS RDS JSON shape) and a client
 * over that store; after each class, a check that none of the passwords the tests used was logged
 * by anything in the JVM (ours, Hikari's, PgJDBC's, the server's).
 */
abstract class PgRoleTest {
  private static final Set<String> PASSWORDS = ConcurrentHashMap.newKeySet();
  static LogCapture logs;

  String role;
  String password;
  InMemorySecretProvider store;
  SecretsClient client;

  @BeforeAll
  static void startServer() {
    logs = LogCapture.install();
    Pg.get();
  }

  @BeforeEach
  void createRole() {
    role = Fixtures.role(rolePrefix());
    password = remember(Fixtures.password());
    Pg.createRole(role, password);
    store = new InMemorySecretProvider().seed("db", secretJson(Fixtures.secret(role, password)));
    client = Fixtures.client(store);
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  @AfterAll
  static void noPasswordLogged() {
    logs.assertNoneOf(PASSWORDS);
  }

  /** The prefix of this class's role names (roles are unique per JVM). */
  abstract String rolePrefix();

  /** The value of secret {@code db} built from {@code json}, the RDS shape; {@code json} itself by default. */
  String secretJson(String json) {
    return json;
  }

  /** Adds {@code pw} to the passwords that must never be logged, and returns it. */
  static String remember(String pw) {
    PASSWORDS.add(pw);
    return pw;
  }
}
