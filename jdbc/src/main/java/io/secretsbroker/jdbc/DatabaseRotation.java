package io.secretsbroker.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.Rotation;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.RotationTarget;
import io.secretsbroker.SecretValue;
import io.secretsbroker.jdbc.internal.DatabaseTarget;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Complete {@link Rotation}s for database secrets: a generator that keeps the JSON secret's shape
 * (every field and its order) and replaces only {@code password} with 32 random letters and digits
 * (and, for alternating users, {@code username} with the other role of the pair), and a
 * {@link PostgresRotationTarget} that applies and verifies it.
 *
 * <pre>{@code client.rotate("db", DatabaseRotation.alternatingUsers(adminDataSource));}</pre>
 *
 * <p><b>Failures.</b> Rotating a secret that does not exist yet, or is not a database secret, is a
 * {@link RotationFailedException} (nothing is written); the target's failures are described on
 * {@link PostgresRotationTarget}. Stateless and thread-safe.
 */
public final class DatabaseRotation {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int LENGTH = 32;

  private DatabaseRotation() {}

  /** PostgreSQL, single user: same role, new password. */
  public static Rotation singleUser(DataSource admin) {
    return of(PostgresRotationTarget.singleUser(Objects.requireNonNull(admin, "admin")), false);
  }

  /** PostgreSQL, alternating users: {@code app} / {@code app_clone}, a new password each time. */
  public static Rotation alternatingUsers(DataSource admin) {
    return of(PostgresRotationTarget.alternatingUsers(Objects.requireNonNull(admin, "admin")), true);
  }

  /**
   * A rotation for any target ({@link MySqlRotationTarget}, or your own), with the JSON-preserving
   * generator; {@code alternating} switches {@code username} between the two roles too.
   */
  public static Rotation of(RotationTarget target, boolean alternating) {
    Objects.requireNonNull(target, "target");
    return Rotation.builder().generator(generator(DatabaseSecret.Fields.defaults(), alternating)).target(target)
        .build();
  }

  /** The generator alone: the current JSON with a new password (and the other role, if alternating). */
  public static Function<SecretValue, String> generator(DatabaseSecret.Fields fields, boolean alternating) {
    Objects.requireNonNull(fields, "fields");
    return current -> {
      if (current == null) {
        throw new RotationFailedException("A database secret must exist before it is rotated: store the JSON"
            + " (username, password, engine, host, port, dbname) first, then rotate it.");
      }
      DatabaseSecret parsed = DatabaseSecret.parse(current, fields); // names a missing field
      ObjectNode json;
      try {
        JsonNode tree = JSON.readTree(current.asBytes());
        json = (ObjectNode) tree;
      } catch (IOException | ClassCastException e) {
        throw new RotationFailedException("Secret '" + current.name() + "' could not be rewritten as JSON.");
      }
      json.put(fields.passwordField(), randomPassword());
      if (alternating) {
        json.put(fields.usernameField(), DatabaseTarget.otherRole(parsed.username()));
      }
      try {
        return JSON.writeValueAsString(json);
      } catch (IOException e) {
        throw new RotationFailedException("Secret '" + current.name() + "' could not be rewritten as JSON.");
      }
    };
  }

  static String randomPassword() {
    String alphabet = Rotation.DEFAULT_ALPHABET;
    StringBuilder sb = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
