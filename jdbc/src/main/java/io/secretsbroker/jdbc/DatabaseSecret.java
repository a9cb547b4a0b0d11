package io.secretsbroker.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secretsbroker.SecretFormatException;
import io.secretsbroker.SecretValue;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Database credentials read from a JSON secret, in the shape the clouds use for database secrets
 * (AWS Secrets Manager's RDS secrets, and the same keys in Vault, Key Vault or a local file):
 *
 * <pre>{@code {"username":"app","password":"...","engine":"postgres","host":"db.internal","port":5432,"dbname":"orders"}}</pre>
 *
 * <p>{@code username} and {@code password} are required; {@code engine}, {@code host},
 * {@code port} and {@code dbname} are needed only to build a JDBC URL ({@link #jdbcUrl()}). Other
 * fields are ignored. Field names can be changed with {@link #parse(SecretValue, Fields)}.
 *
 * <p><b>Failures.</b> A value that is not a JSON object, or lacks a required field, is a
 * {@link SecretFormatException} naming the secret and the field, never any part of the value.
 * {@link #toString()} masks the password.
 *
 * <p><b>Threads.</b> Immutable and thread-safe.
 */
public final class DatabaseSecret {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String secretName;
  private final String versionId;
  private final String username;
  private final String password;
  private final String engine;
  private final String host;
  private final Integer port;
  private final String database;

  private DatabaseSecret(String secretName, String versionId, String username, String password, String engine,
      String host, Integer port, String database) {
    this.secretName = secretName;
    this.versionId = versionId;
    this.username = username;
    this.password = password;
    this.engine = engine;
    this.host = host;
    this.port = port;
    this.database = database;
  }

  /** Parses {@code value} with the default field names ({@link Fields#defaults()}). */
  public static DatabaseSecret parse(SecretValue value) {
    return parse(value, Fields.defaults());
  }

  /**
   * Parses {@code value} with the given field names.
   *
   * @throws SecretFormatException when the value is not a JSON object, when {@code username} or
   *     {@code password} is missing or empty, or when {@code port} is not a number from 1 to 65535
   */
  public static DatabaseSecret parse(SecretValue value, Fields fields) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(fields, "fields");
    String name = value.name();
    JsonNode root;
    try {
      root = JSON.readTree(value.asBytes());
    } catch (java.io.IOException e) {
      // the parser's message quotes the input: never pass it on
      throw new SecretFormatException("Secret '" + name + "' is not JSON; a database secret is a JSON object with"
          + " fields " + fields.describe() + ". Store it in that shape (the AWS RDS secret shape).");
    }
    if (root == null || !root.isObject()) {
      throw new SecretFormatException("Secret '" + name + "' is JSON but not an object; a database secret is a JSON"
          + " object with fields " + fields.describe() + ".");
    }
    String username = required(root, name, fields.username);
    String password = required(root, name, fields.password);
    String engine = optional(root, fields.engine);
    String host = optional(root, fields.host);
    String database = optional(root, fields.database);
    Integer port = null;
    String portText = optional(root, fields.port);
    if (portText != null) {
      try {
        port = Integer.valueOf(portText.trim());
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new SecretFormatException("Secret '" + name + "' has a field '" + fields.port
            + "' that is not a port number (1 to 65535); fix that field of the secret.");
      }
    }
    return new DatabaseSecret(name, value.versionId(), username, password, engine, host, port, database);
  }

  private static String required(JsonNode root, String name, String field) {
    String v = optional(root, field);
    if (v == null || v.isEmpty()) {
      throw new SecretFormatException("Secret '" + name + "' has no field '" + field + "' (or it is empty); a"
          + " database secret needs it. Add it to the secret, or name the field that holds it with"
          + " DatabaseSecret.Fields.");
    }
    return v;
  }

  private static String optional(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull() || n.isContainerNode()) {
      return null;
    }
    return n.asText();
  }

  /** The name of the secret this was read from. */
  public String secretName() {
    return secretName;
  }

  /** The version of the secret this was read from (null when the store has no versions). */
  public String versionId() {
    return versionId;
  }

  public String username() {
    return username;
  }

  /**
   * The password. It is the same text the client already holds in its cache; do not log it.
   */
  public String password() {
    return password;
  }

  /** A fresh copy of the password that the caller can clear. */
  public char[] passwordChars() {
    return password.toCharArray();
  }

  /** The {@code engine} field as stored ({@code postgres}, {@code mysql}, ...), if present. */
  public Optional<String> engine() {
    return Optional.ofNullable(engine);
  }

  public Optional<String> host() {
    return Optional.ofNullable(host);
  }

  public Optional<Integer> port() {
    return Optional.ofNullable(port);
  }

  /** The {@code dbname} field, if present. */
  public Optional<String> database() {
    return Optional.ofNullable(database);
  }

  /** Whether username and password equal {@code other}'s (versions aside). */
  public boolean sameCredentials(DatabaseSecret other) {
    return other != null && username.equals(other.username) && password.equals(other.password);
  }

  /**
   * The JDBC URL for {@code engine}, {@code host}, {@code port} (default: the engine's) and
   * {@code dbname}. Engines: {@code postgres}/{@code postgresql}/{@code aurora-postgresql},
   * {@code mysql}/{@code aurora-mysql}/{@code aurora}, {@code mariadb}, {@code sqlserver*},
   * {@code oracle*}.
   *
   * @throws SecretFormatException when {@code engine} or {@code host} is missing, or the engine is
   *     not one of these (the message does not repeat the field's content)
   */
  public String jdbcUrl() {
    if (engine == null) {
      throw new SecretFormatException("Secret '" + secretName + "' has no 'engine' field, so no JDBC URL can be built"
          + " from it. Add engine (postgres, mysql, mariadb, sqlserver, oracle) to the secret, or give the pool a"
          + " JDBC URL.");
    }
    if (host == null || host.isEmpty()) {
      throw new SecretFormatException("Secret '" + secretName + "' has no 'host' field, so no JDBC URL can be built"
          + " from it. Add host (and port, dbname) to the secret, or give the pool a JDBC URL.");
    }
    String e = engine.toLowerCase(Locale.ROOT);
    String db = database == null ? "" : database;
    if (e.equals("postgres") || e.equals("postgresql") || e.equals("aurora-postgresql")) {
      return "jdbc:postgresql://" + host + ":" + (port == null ? 5432 : port) + "/" + db;
    }
    if (e.equals("mysql") || e.equals("aurora-mysql") || e.equals("aurora")) {
      return "jdbc:mysql://" + host + ":" + (port == null ? 3306 : port) + "/" + db;
    }
    if (e.equals("mariadb")) {
      return "jdbc:mariadb://" + host + ":" + (port == null ? 3306 : port) + "/" + db;
    }
    if (e.startsWith("sqlserver")) {
      return "jdbc:sqlserver://" + host + ":" + (port == null ? 1433 : port)
          + (db.isEmpty() ? "" : ";databaseName=" + db);
    }
    if (e.startsWith("oracle")) {
      return "jdbc:oracle:thin:@//" + host + ":" + (port == null ? 1521 : port) + "/" + db;
    }
    throw new SecretFormatException("Secret '" + secretName + "' has an 'engine' field this module does not know."
        + " Use one of postgres, postgresql, aurora-postgresql, mysql, aurora-mysql, mariadb, sqlserver, oracle,"
        + " or give the pool a JDBC URL.");
  }

  @Override
  public String toString() {
    return "DatabaseSecret[secret=" + secretName + ", version=" + versionId + ", username=" + username
        + ", password=****" + (host == null ? "" : ", host=" + host) + "]";
  }

  /**
   * The JSON field names to read. Immutable; start from {@link #defaults()} and change what
   * differs: {@code Fields.defaults().username("user").password("pass")}.
   */
  public static final class Fields {
    private static final Fields DEFAULTS =
        new Fields("username", "password", "engine", "host", "port", "dbname");

    final String username;
    final String password;
    final String engine;
    final String host;
    final String port;
    final String database;

    private Fields(String username, String password, String engine, String host, String port, String database) {
      this.username = username;
      this.password = password;
      this.engine = engine;
      this.host = host;
      this.port = port;
      this.database = database;
    }

    /** {@code username}, {@code password}, {@code engine}, {@code host}, {@code port}, {@code dbname}. */
    public static Fields defaults() {
      return DEFAULTS;
    }

    public Fields username(String field) {
      return new Fields(check(field, "username"), password, engine, host, port, database);
    }

    public Fields password(String field) {
      return new Fields(username, check(field, "password"), engine, host, port, database);
    }

    public Fields engine(String field) {
      return new Fields(username, password, check(field, "engine"), host, port, database);
    }

    public Fields host(String field) {
      return new Fields(username, password, engine, check(field, "host"), port, database);
    }

    public Fields port(String field) {
      return new Fields(username, password, engine, host, check(field, "port"), database);
    }

    public Fields database(String field) {
      return new Fields(username, password, engine, host, port, check(field, "database"));
    }

    /** The field that holds the user name. */
    public String usernameField() {
      return username;
    }

    /** The field that holds the password. */
    public String passwordField() {
      return password;
    }

    private static String check(String field, String what) {
      Objects.requireNonNull(field, what);
      if (field.isBlank()) {
        throw new IllegalArgumentException("The " + what + " field name must not be blank.");
      }
      return field;
    }

    String describe() {
      return username + ", " + password + " (required), " + engine + ", " + host + ", " + port + ", " + database;
    }

    @Override
    public String toString() {
      return "Fields[" + describe() + "]";
    }
  }
}
