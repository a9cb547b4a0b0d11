package io.secretsbroker.jdbc;

import io.secretsbroker.RotationTarget;
import io.secretsbroker.SecretValue;
import io.secretsbroker.jdbc.internal.DatabaseTarget;
import javax.sql.DataSource;

/**
 * What the database rotation targets share: the admin connection, the strategy (single user or
 * alternating users), the JSON field names, and {@code verify} (a fresh login with the candidate).
 * Each engine's subclass sets the password in its own SQL. Immutable and thread-safe.
 */
abstract class AbstractDatabaseTarget implements RotationTarget {
  final DataSource admin;
  final boolean alternating;
  final DatabaseSecret.Fields fields;
  private final String engine;

  AbstractDatabaseTarget(String engine, DataSource admin, boolean alternating, DatabaseSecret.Fields fields) {
    this.engine = engine;
    this.admin = admin; // checked for null by the final subclasses, before this constructor runs
    this.alternating = alternating;
    this.fields = fields;
  }

  /** Whether this target alternates between {@code name} and {@code name_clone}. */
  public boolean alternating() {
    return alternating;
  }

  /** Logs in afresh with {@code candidate}; a refused login is a {@link io.secretsbroker.RotationFailedException}. */
  @Override
  public void verify(SecretValue candidate) {
    DatabaseTarget.verify(admin, fields, engine, candidate);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + (alternating ? "alternating users" : "single user") + "]";
  }
}
