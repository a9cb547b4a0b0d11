package io.secretsbroker.guard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One secret found where it should not be: the rule, where ({@link #location()}: a file with line
 * and column, a class in a jar, an environment variable), a short fix, the value masked
 * ({@code ****}), a fingerprint that a baseline can accept and the build policy's verdict.
 *
 * <p>A finding never holds the value itself: it is built from a {@link Detection}, whose value
 * stays inside this package, and every accessor, {@link #toString()} and serialised form shows
 * only {@link #masked()}. Immutable and thread-safe.
 */
public final class Finding {
  private final Rule rule;
  private final String path;
  private final int line;
  private final int column;
  private final String subject;
  private final int ordinal;
  private final String masked;
  private final String fingerprint;
  private final String fix;
  private final boolean live;
  private final boolean published;
  private final Verdict verdict;

  /**
   * What the build policy decided about a finding: how severe, whether it fails the build, and why
   * (shown in every report). Immutable.
   *
   * @param severity  {@code critical} (live-format), {@code high}, {@code medium}, {@code low}
   * @param failsBuild whether the build fails on it
   * @param reason    one sentence saying why it does or does not fail
   */
  public record Verdict(String severity, boolean failsBuild, String reason) {
    public Verdict {
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(reason, "reason");
    }

    /** The verdict before any policy ran: every finding fails. */
    public static final Verdict UNJUDGED = new Verdict("high", true, "every finding fails the build");
  }

  private Finding(Rule rule, String path, int line, int column, String subject, String masked, String fix) {
    this(rule, path, line, column, subject, 0, masked, fix, false, false, Verdict.UNJUDGED);
  }

  private Finding(Rule rule, String path, int line, int column, String subject, int ordinal, String masked,
                  String fix, boolean live, boolean published, Verdict verdict) {
    this.rule = Objects.requireNonNull(rule, "rule");
    this.path = Objects.requireNonNull(path, "path");
    this.line = line;
    this.column = column;
    this.subject = subject;
    this.ordinal = ordinal;
    this.masked = masked;
    this.fingerprint = fingerprint(rule, path, subject, ordinal);
    this.fix = fix;
    this.live = live;
    this.published = published;
    this.verdict = Objects.requireNonNull(verdict, "verdict");
  }

  /**
   * A finding for a detected value.
   *
   * @param path    where: a relative file path, {@code app.jar!/com/x/A.class}, or {@code env}
   * @param line    1-based line, or 0 when the source has no lines (class files, environment)
   * @param column  1-based column, or 0
   * @param subject the name the value was assigned to (variable, key), or null
   */
  public static Finding of(Detection detection, String path, int line, int column, String subject) {
    return new Finding(detection.rule(), path, line, column, subject, 0, detection.masked(),
        fixFor(detection.rule(), subject), detection.live(), detection.published(), Verdict.UNJUDGED);
  }

  /** A finding that carries no value, such as {@code System.getenv("DB_PASSWORD")}: the subject is the name read. */
  public static Finding ofName(Rule rule, String path, int line, int column, String subject) {
    return new Finding(rule, path, line, column, subject, "", fixFor(rule, subject));
  }

  private static String fixFor(Rule rule, String subject) {
    if (subject == null || subject.isBlank()) {
      return rule.fix();
    }
    String name = suggestedSecretName(subject);
    return switch (rule) {
      case JAVA_ENV_SECRET_READ, JAVA_PROPERTY_SECRET_READ -> "Store " + subject
          + " in the secret store and read it with Secrets.get(\"" + name + "\") instead of from the "
          + (rule == Rule.JAVA_ENV_SECRET_READ ? "environment." : "system properties.");
      case AZURE_PLATFORM_SETTING -> rule.fix() + " " + PlatformSettings.alternative(subject);
      case ENV_SECRET, AZURE_RESOLVED_SETTING -> "Store the value of " + subject + " in the secret store as \"" + name
          + "\", remove " + subject + " from the function's configuration and read it with Secrets.get(\"" + name
          + "\") (or allow it with secrets.guard.allow-env=" + subject + ").";
      default -> "Remove the literal, rotate the credential (it is exposed), store it in the secret store as \""
          + name + "\" and read it with Secrets.get(\"" + name + "\").";
    };
  }

  /** {@code DB_PASSWORD} becomes {@code db-password}, {@code stripeApiKey} becomes {@code stripe-api-key}. */
  static String suggestedSecretName(String subject) {
    String joined = String.join("-", SecretNames.words(subject));
    return joined.isEmpty() ? subject.toLowerCase(Locale.ROOT) : joined;
  }

  public Rule rule() {
    return rule;
  }

  public String ruleId() {
    return rule.id();
  }

  /** Where, without line: a path relative to the scan root, a jar entry, or {@code env}/{@code sysprop}. */
  public String path() {
    return path;
  }

  /** 1-based line, or 0 when not applicable. */
  public int line() {
    return line;
  }

  /** 1-based column, or 0 when not applicable. */
  public int column() {
    return column;
  }

  /** The variable, key or name the value was assigned to or read from, or null. Names are not secret. */
  public String subject() {
    return subject;
  }

  /** {@code path:line:column}, {@code path:line}, or the path with the subject for named sources. */
  public String location() {
    StringBuilder sb = new StringBuilder(path);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    } else if (subject != null) {
      sb.append(':').append(subject);
    }
    return sb.toString();
  }

  /** The value masked: {@code ****}; empty for name-only findings. */
  public String masked() {
    return masked;
  }

  /** Whether the value is verifiably live-format ({@link Detection#live()}). */
  public boolean live() {
    return live;
  }

  /** The build policy's verdict ({@link Verdict#UNJUDGED} until a policy ran). */
  public Verdict verdict() {
    return verdict;
  }

  /** This finding with the policy's verdict. */
  public Finding withVerdict(Verdict v) {
    return new Finding(rule, path, line, column, subject, ordinal, masked, fix, live, published, v);
  }

  /** This finding marked live-format (the scanner found an AWS key id together with its secret key). */
  public Finding asLive() {
    return new Finding(rule, path, line, column, subject, ordinal, masked, fix, true, published, verdict);
  }

  /** Whether the value is a vendor-published emulator key ({@link Detection#published()}). */
  public boolean published() {
    return published;
  }

  /**
   * The fingerprint a baseline stores (20 hex digits): the first 20 hex digits of SHA-256 over rule
   * id, path, subject and {@link #ordinal()}. It carries nothing of the value, not even a hash of it,
   * and not the line, so an accepted finding stays accepted when lines move.
   */
  public String fingerprint() {
    return fingerprint;
  }

  /**
   * Which of the findings with this rule, path and subject this is, from 0, in the order of their
   * positions in the file ({@link #numbered(List)}); 0 until numbered.
   */
  public int ordinal() {
    return ordinal;
  }

  /**
   * The fingerprint scheme of {@link #fingerprint()}: SHA-256 over rule id, path, subject (absent
   * or a name) and ordinal, each field length-prefixed so that no two tuples hash alike.
   */
  public static String fingerprint(Rule rule, String path, String subject, int ordinal) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      field(sha, rule.id());
      field(sha, path);
      sha.update((byte) (subject == null ? 0 : 1));
      field(sha, subject == null ? "" : subject);
      field(sha, Integer.toString(ordinal));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static void field(MessageDigest sha, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    sha.update(bytes);
  }

  /**
   * The findings of one source, in their given order, each with its ordinal among the findings of
   * the same rule, path and subject counted in the order of their positions (line, then column;
   * findings without a position keep their given order). Two findings of one name in one file thus
   * stay distinct, and inserting lines above them changes neither fingerprint.
   */
  public static List<Finding> numbered(List<Finding> findings) {
    List<Finding> byPosition = new ArrayList<>(findings);
    byPosition.sort(Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column));
    Map<String, Integer> next = new HashMap<>();
    Map<Finding, Integer> ordinals = new IdentityHashMap<>();
    for (Finding f : byPosition) {
      String key = f.rule.id() + '\0' + f.path + '\0' + (f.subject == null ? "\1" : f.subject);
      int n = next.merge(key, 1, Integer::sum) - 1;
      ordinals.put(f, n);
    }
    List<Finding> out = new ArrayList<>(findings.size());
    for (Finding f : findings) {
      int n = ordinals.get(f);
      out.add(n == f.ordinal ? f : new Finding(f.rule, f.path, f.line, f.column, f.subject, n, f.masked, f.fix,
          f.live, f.published, f.verdict));
    }
    return out;
  }

  /** What to do, in a sentence naming the secret to create and the {@code Secrets.get} call. */
  public String fix() {
    return fix;
  }

  @Override
  public String toString() {
    return location() + " [" + rule.id() + "]" + (masked.isEmpty() ? "" : " " + masked)
        + (subject != null && line > 0 ? " (" + subject + ")" : "");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Finding f && f.rule == rule && f.path.equals(path) && f.line == line && f.column == column
        && f.fingerprint.equals(fingerprint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rule, path, line, column, fingerprint);
  }
}
