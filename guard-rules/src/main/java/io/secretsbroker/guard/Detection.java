package io.secretsbroker.guard;

/**
 * One rule matching one value in a text the {@link Detector} was given: the rule, where the value
 * sits in that text ({@link #start()} inclusive, {@link #end()} exclusive) and the value masked.
 *
 * <p>The value itself is kept private: it is reachable only through the caller's own text and the
 * offsets, and {@link #toString()} and {@link #masked()} never reveal it; nothing derived from it
 * (no prefix, no hash) leaves this class. Immutable and thread-safe.
 */
public final class Detection {
  private final Rule rule;
  private final int start;
  private final int end;
  private final String value;
  private final boolean live;

  Detection(Rule rule, int start, int end, String value) {
    this(rule, start, end, value, false);
  }

  Detection(Rule rule, int start, int end, String value, boolean live) {
    this.rule = rule;
    this.start = start;
    this.end = end;
    this.value = value;
    this.live = live;
  }

  /**
   * Whether the value is verifiably a real credential by its structure alone: a vendor checksum
   * that holds (GitHub, npm), a private key or PKCS#12 store whose DER parses, a signed JWT, an AWS
   * key id found with its secret key. The build policy fails on such findings anywhere.
   */
  public boolean live() {
    return live;
  }

  /**
   * Whether the value is one its vendor publishes for a local emulator (Azurite's account key, the
   * Cosmos DB emulator's key): reported, but it opens nothing.
   */
  public boolean published() {
    return PublishedValues.contains(value);
  }

  /** This detection, marked live. */
  Detection asLive() {
    return live ? this : new Detection(rule, start, end, value, true);
  }

  public Rule rule() {
    return rule;
  }

  /** Offset of the value's first character in the text that was scanned. */
  public int start() {
    return start;
  }

  /** Offset just after the value's last character in the text that was scanned. */
  public int end() {
    return end;
  }

  /** The value fully masked: always {@code ****}, whatever the value. */
  public String masked() {
    return MASK;
  }

  /** Length of the value in characters, for messages ("a 40-character value"). */
  public int length() {
    return value.length();
  }

  /** What every masked value shows. */
  public static final String MASK = "****";

  /** Masks a value fully: {@code ****}; neither a prefix nor the length is revealed. */
  public static String mask(String value) {
    return MASK;
  }

  @Override
  public String toString() {
    return "Detection[" + rule.id() + " " + masked() + " at " + start + "]";
  }
}
