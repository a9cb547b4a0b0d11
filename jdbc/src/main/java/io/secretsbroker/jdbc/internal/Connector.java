package io.secretsbroker.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens one physical connection with the given credentials (a driver or a DataSource). */
@FunctionalInterface
public interface Connector {
  Connection connect(String username, String password) throws SQLException;
}
