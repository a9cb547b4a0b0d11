package io.secretsbroker.jdbc.internal;

/** Quoting for the few statements that cannot take bind parameters (ALTER ROLE, ALTER USER). */
public final class Sql {
  private Sql() {}

  /** A PostgreSQL/standard identifier: {@code "name"} with embedded quotes doubled. */
  public static String quoteIdentifier(String name) {
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("A role name cannot contain a NUL character");
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A string literal with quotes doubled (and, for MySQL, backslashes escaped). */
  public static String quoteLiteral(String text, boolean escapeBackslash) {
    if (text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("A literal cannot contain a NUL character");
    }
    String t = escapeBackslash ? text.replace("\\", "\\\\") : text;
    return '\'' + t.replace("'", "''") + '\'';
  }
}
