package io.secretsbroker.guard.scan;

import io.secretsbroker.guard.Finding;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code secretsbroker-guard:check}: scans the project's sources and configuration (by default the
 * whole project directory, build output excluded) and fails the build when a secret is written
 * as a literal or read from the environment. Bound to {@code verify}.
 *
 * <p>Thread-safe per execution (each execution makes its own scanner).
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CheckMojo extends AbstractMojo {
  /** Files or directories to scan. */
  @Parameter(defaultValue = "${project.basedir}", required = true)
  List<File> paths = new ArrayList<>();

  /** Paths in findings and fingerprints are shown relative to this directory. */
  @Parameter(defaultValue = "${project.basedir}", readonly = true)
  File basedir;

  /** Globs, relative to each path, that are not scanned (for example labelled test fixtures). */
  @Parameter
  List<String> excludes = new ArrayList<>();

  /** Baseline of accepted fingerprints; used when the file exists. */
  @Parameter(property = "secrets.guard.baseline", defaultValue = "${project.basedir}/.secrets-guard-baseline")
  File baseline;

  /** Also write a report here (format from {@link #format}), for CI upload. */
  @Parameter(property = "secrets.guard.report")
  File report;

  /** Report format for {@link #report}: text, json or sarif. */
  @Parameter(property = "secrets.guard.format", defaultValue = "sarif")
  String format = "sarif";

  /** Log findings but do not fail the build. */
  @Parameter(property = "secrets.guard.failOnFindings", defaultValue = "true")
  boolean failOnFindings = true;

  /** Every finding fails (default: the policy of docs/guard.md, which reports test fixtures without failing). */
  @Parameter(property = "secrets.guard.strict", defaultValue = "false")
  boolean strict;

  /** Skip the check. */
  @Parameter(property = "secrets.guard.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("secretsbroker-guard: skipped (secrets.guard.skip=true)");
      return;
    }
    Scanner.ScanResult result;
    try {
      Path base = baseline != null && baseline.isFile() ? baseline.toPath() : null;
      result = Scanner.create(excludes, base, strict).scan(paths.stream().map(File::toPath).toList(),
          basedir == null ? null : basedir.toPath());
      if (report != null) {
        Reporter.Format f = Reporter.Format.valueOf(format.toUpperCase(Locale.ROOT));
        Files.createDirectories(report.toPath().toAbsolutePath().getParent());
        try (Writer w = Files.newBufferedWriter(report.toPath(), StandardCharsets.UTF_8)) {
          Reporter.write(f, result, w);
        }
      }
    } catch (UncheckedIOException | IOException e) {
      throw new MojoExecutionException("secretsbroker-guard could not scan: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new MojoExecutionException("secretsbroker-guard: format '" + format + "' is not text, json or sarif", e);
    }
    for (Finding f : result.findings()) {
      String value = f.masked();
      String line = f.location() + " [" + f.ruleId() + ", " + f.verdict().severity() + "]"
          + (value.isEmpty() ? "" : " " + value) + ": " + f.fix() + " Policy: " + f.verdict().reason() + ".";
      if (f.verdict().failsBuild()) {
        getLog().error(line);
      } else {
        getLog().warn(line);
      }
    }
    getLog().info("secretsbroker-guard: scanned " + result.files() + " files; " + result.findings().size()
        + " finding(s), " + result.failing() + " failing the build, " + result.suppressed() + " suppressed inline, "
        + result.baselined() + " in the baseline");
    if (result.failing() > 0 && failOnFindings) {
      throw new MojoFailureException("secretsbroker-guard: " + result.failing() + " of " + GuardCli.summary(result.findings())
          + " in sources or configuration. Move each into the secret store and read it with Secrets.get, or"
          + " accept it with a 'secrets-guard:allow <reason>' comment or a baseline entry (docs/guard.md).");
    }
  }
}
