package io.secretsbroker.guard.scan;

import io.secretsbroker.guard.Finding;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command line:
 * {@code java -jar secretsbroker-guard.jar scan PATH... [--format text|json|sarif] [--baseline FILE]
 * [--exclude GLOB]... [--output FILE] [--write-baseline FILE]}.
 *
 * <p>Exit status: 0 when nothing was found or nothing found fails the build ({@link BuildPolicy}), 1
 * when a finding fails it, 2 on a usage error (unknown option, missing or unreadable path or
 * baseline); {@code --help} prints usage and exits 0. Values are masked fully ({@code ****}), always.
 */
public final class GuardCli {
  static final int CLEAN = 0;
  static final int FINDINGS = 1;
  static final int USAGE = 2;

  static final String USAGE_TEXT = """
      usage: secretsbroker-guard scan PATH... [--format text|json|sarif] [--baseline FILE] [--exclude GLOB]...
                                             [--output FILE] [--write-baseline FILE] [--strict]
        --format          text (default, for a person), json (one object per line), sarif (SARIF 2.1.0)
        --baseline        file of accepted finding fingerprints (see --write-baseline)
        --exclude         glob over paths relative to each PATH, e.g. 'src/test/resources/fixtures/**'; repeatable
        --output          write the report to FILE instead of standard output
        --write-baseline  write the fingerprints of every current finding to FILE and exit 0
        --strict          every finding fails (default: live-format tokens fail anywhere, other findings
                          fail outside test sources, published emulator keys never fail; see docs/guard.md)
        --help            print this help and exit 0
      exit status: 0 clean or nothing failing, 1 findings that fail the build, 2 usage error
      usage: secretsbroker-guard policy --provider aws|azure|vault --allow NAMES ... (see 'policy --help')""";

  private GuardCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command and returns its exit status; for tests and embedding. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("policy")) {
      return io.secretsbroker.guard.policy.PolicyCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help"))) {
      out.println(USAGE_TEXT);
      return CLEAN;
    }
    if (args.length == 0 || !args[0].equals("scan")) {
      err.println(args.length == 0 ? "missing command 'scan'" : "unknown command '" + args[0] + "'");
      err.println(USAGE_TEXT);
      return USAGE;
    }
    Options o = new Options();
    int status = o.parse(args, out, err);
    if (status >= 0) {
      return status;
    }
    return scan(o, out, err);
  }

  /** The options of {@code scan}, read from the command line. Mutable while parsing; one per run. */
  private static final class Options {
    final List<Path> paths = new ArrayList<>();
    final List<String> excludes = new ArrayList<>();
    Reporter.Format format = Reporter.Format.TEXT;
    Path baseline;
    Path output;
    Path writeBaseline;
    boolean strict;

    /** Reads {@code args} after the command; -1 to go on scanning, else the exit status to return. */
    int parse(String[] args, PrintStream out, PrintStream err) {
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          out.println(USAGE_TEXT);
          return CLEAN;
        } else if (a.equals("--strict")) {
          strict = true;
        } else if (a.equals("--show-prefix")) {
          err.println("--show-prefix is gone: no report shows any part of a value (it is always ****); the rule id"
              + " names the kind of token, and the location finds it");
          return USAGE;
        } else if (a.startsWith("--")) {
          if (i + 1 >= args.length) {
            err.println("option " + a + " needs a value");
            err.println(USAGE_TEXT);
            return USAGE;
          }
          int status = option(a, args[++i], err);
          if (status >= 0) {
            return status;
          }
        } else {
          paths.add(Path.of(a));
        }
      }
      return validate(err);
    }

    private int option(String a, String v, PrintStream err) {
      switch (a) {
        case "--format" -> {
          try {
            format = Reporter.Format.valueOf(v.toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            err.println("unknown format '" + v + "': use text, json or sarif");
            return USAGE;
          }
        }
        case "--baseline" -> baseline = Path.of(v);
        case "--exclude" -> excludes.add(v);
        case "--output" -> output = Path.of(v);
        case "--write-baseline" -> writeBaseline = Path.of(v);
        default -> {
          err.println("unknown option '" + a + "'");
          err.println(USAGE_TEXT);
          return USAGE;
        }
      }
      return -1;
    }

    private int validate(PrintStream err) {
      if (paths.isEmpty()) {
        err.println("no PATH to scan");
        err.println(USAGE_TEXT);
        return USAGE;
      }
      for (Path p : paths) {
        if (!Files.exists(p)) {
          err.println("path not found: " + p);
          return USAGE;
        }
      }
      if (baseline != null && !Files.isReadable(baseline)) {
        err.println("baseline not readable: " + baseline);
        return USAGE;
      }
      return -1;
    }
  }

  private static int scan(Options o, PrintStream out, PrintStream err) {
    try {
      Scanner.ScanResult result = Scanner.create(o.excludes, o.baseline, o.strict).scan(o.paths);
      if (o.writeBaseline != null) {
        Baseline.write(o.writeBaseline, result.findings());
        err.println("wrote " + result.findings().size() + " fingerprint(s) to " + o.writeBaseline);
        return CLEAN;
      }
      try (Writer w = o.output == null
          ? new OutputStreamWriter(new NonClosingStream(out), StandardCharsets.UTF_8)
          : Files.newBufferedWriter(o.output, StandardCharsets.UTF_8)) {
        Reporter.write(o.format, result, w);
      }
      return result.failing() == 0 ? CLEAN : FINDINGS;
    } catch (UncheckedIOException | java.io.IOException e) {
      err.println("error: " + e.getMessage());
      return USAGE;
    }
  }

  /** Summary line for logs: counts only. */
  static String summary(List<Finding> findings) {
    return findings.size() + (findings.size() == 1 ? " secret" : " secrets") + " found";
  }

  private static final class NonClosingStream extends java.io.FilterOutputStream {
    NonClosingStream(PrintStream out) {
      super(out);
    }

    @Override
    public void close() {
      flush0();
    }

    private void flush0() {
      try {
        out.flush();
      } catch (java.io.IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
