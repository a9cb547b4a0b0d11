package io.secretsbroker.guard;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A format rule's regular expression, compiled the first time the rule's anchor occurs in a
 * scanned text. A rule's expression only ever runs at its anchors' occurrences ({@link Detector}),
 * so a text without any anchor of a rule never needs that rule's expression: an environment
 * without a credential-looking value (the common cold start) compiles none of them, and building
 * the rules costs no regex compilation. {@code DetectorTest} compiles every rule's expression, so
 * a malformed one still fails the build rather than its first scan.
 *
 * <p>Thread-safe: concurrent first uses may each compile; one result wins and every result is
 * equivalent ({@link Pattern} is immutable).
 */
final class LazyPattern {
  private final String regex;
  private volatile Pattern compiled;

  private LazyPattern(String regex) {
    this.regex = regex;
  }

  /** The expression, compiled on first use. */
  static LazyPattern compile(String regex) {
    return new LazyPattern(java.util.Objects.requireNonNull(regex, "regex"));
  }

  /** The compiled expression, compiling it now if this is its first use. */
  Pattern pattern() {
    Pattern p = compiled;
    if (p == null) {
      p = Pattern.compile(regex);
      compiled = p;
    }
    return p;
  }

  /** {@code pattern().matcher(text)}. */
  Matcher matcher(CharSequence text) {
    return pattern().matcher(text);
  }

  /** Whether the expression has been compiled (tests of what a scan compiles). */
  boolean isCompiled() {
    return compiled != null;
  }

  @Override
  public String toString() {
    return regex;
  }
}
