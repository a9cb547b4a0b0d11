package io.secretsbroker.guard.scan;

import io.secretsbroker.guard.Finding;
import io.secretsbroker.guard.Finding.Verdict;
import io.secretsbroker.guard.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides, per finding, its severity and whether it fails the build, and says why (every report
 * shows it). The default keeps the guard on in real projects' builds:
 *
 * <ul>
 *   <li>a <b>live-format</b> value (a GitHub or npm token whose checksum holds, a private key or
 *       PKCS#12 store whose DER parses, a PyPI macaroon, an AWS key id found with its secret key)
 *       is {@code critical} and fails the build anywhere, test sources included;</li>
 *   <li>a vendor-<b>published</b> emulator key (Azurite, Cosmos DB emulator) is {@code low} and
 *       never fails: it opens only a local emulator;</li>
 *   <li>in <b>test sources</b> ({@code src/test/}, {@code src/it/}, {@code testFixtures}, {@code *Test.java},
 *       {@code *_test.go}, {@code test_*.py}, {@code *.spec.ts}, ...) anything else is {@code medium} and is
 *       reported without failing: test containers' default passwords, placeholder fixtures;</li>
 *   <li>everywhere else every finding is {@code high} and fails.</li>
 * </ul>
 *
 * <p>{@code strict} makes every finding fail (the published emulator keys too). Immutable and thread-safe.
 */
final class BuildPolicy {
  private final boolean strict;

  BuildPolicy(boolean strict) {
    this.strict = strict;
  }

  /** The default policy. */
  static BuildPolicy defaults() {
    return new BuildPolicy(false);
  }

  /** The findings of one file with their verdicts; an AWS key id beside its secret key makes both live. */
  List<Finding> judge(List<Finding> fileFindings) {
    boolean awsId = false;
    boolean awsSecret = false;
    for (Finding f : fileFindings) {
      awsId |= f.rule() == Rule.AWS_ACCESS_KEY_ID;
      awsSecret |= f.rule() == Rule.AWS_SECRET_ACCESS_KEY;
    }
    List<Finding> out = new ArrayList<>(fileFindings.size());
    for (Finding f : fileFindings) {
      Finding g = awsId && awsSecret && (f.rule() == Rule.AWS_ACCESS_KEY_ID || f.rule() == Rule.AWS_SECRET_ACCESS_KEY)
          ? f.asLive() : f;
      out.add(g.withVerdict(verdict(g)));
    }
    return out;
  }

  Verdict verdict(Finding f) {
    if (f.live()) {
      return new Verdict("critical", true, "live-format " + liveReason(f.rule()) + ": fails anywhere");
    }
    if (strict) {
      return new Verdict("high", true, "strict policy: every finding fails");
    }
    if (f.published()) {
      return new Verdict("low", false, "a key its vendor publishes for a local emulator: reported, never fails");
    }
    if (isTestSource(f.path())) {
      return new Verdict("medium", false,
          "test source and not live-format: reported, does not fail (--strict or a non-test path fails)");
    }
    return new Verdict("high", true, "not a test source: fails");
  }

  private static String liveReason(Rule rule) {
    return switch (rule) {
      case GITHUB_TOKEN, NPM_TOKEN -> "(the token's CRC32 checksum holds)";
      case PRIVATE_KEY -> "(the private key's DER parses)";
      case PKCS12 -> "(a PKCS#12 key store's DER framing)";
      case AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY -> "(an AWS key id together with its secret key)";
      case PYPI_TOKEN -> "(a PyPI macaroon that decodes)";
      default -> "(the vendor's structure verified)";
    };
  }

  /** Whether a displayed path is test code or test data, by the build tools' and languages' conventions. */
  static boolean isTestSource(String path) {
    String p = "/" + path.replace('\\', '/').toLowerCase(Locale.ROOT);
    int bang = p.indexOf("!/");
    if (bang >= 0) {
      p = p.substring(0, bang);
    }
    if (p.contains("/src/test/") || p.contains("/src/it/") || p.contains("/src/testfixtures/")
        || p.contains("/src/integrationtest/") || p.contains("/src/inttest/") || p.contains("/test/")
        || p.contains("/tests/") || p.contains("/testdata/") || p.contains("/__tests__/") || p.contains("/fixtures/")
        || p.contains("/testing/")) {
      return true;
    }
    String original = path.replace('\\', '/');
    int cut = original.indexOf("!/");
    String shown = cut >= 0 ? original.substring(0, cut) : original;
    String className = shown.substring(shown.lastIndexOf('/') + 1);
    if (className.matches(".*(Test|Tests|IT|ITCase|TestCase|Spec)\\.(java|kt|groovy|scala)")) {
      return true;
    }
    String name = p.substring(p.lastIndexOf('/') + 1);
    return name.endsWith("_test.go")
        || name.startsWith("test_") || name.endsWith("_test.py") || name.matches(".*\\.(spec|test)\\.[jt]sx?")
        || name.endsWith("tests.cs") || name.endsWith("test.cs");
  }
}
