package io.secretsbroker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The rules cost nothing at start-up that the first scan does not need: expressions compile at
 * their rule's first anchor hit, and an {@link EnvironmentScan} builds the rules at its first
 * check, not when it is made. Laziness must not lose a finding: over the vendor corpus a fresh
 * (lazy) detector finds exactly what one with every expression compiled finds.
 */
class LazyRulesTest {
  /** What a Lambda function's environment holds on a cold start, none of it a secret. */
  private static final Map<String, String> LAMBDA_ENV = Map.ofEntries(
      Map.entry("PATH", "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin"),
      Map.entry("LANG", "en_US.UTF-8"), Map.entry("TZ", ":UTC"), Map.entry("AWS_REGION", "us-east-1"),
      Map.entry("AWS_DEFAULT_REGION", "us-east-1"), Map.entry("AWS_LAMBDA_FUNCTION_NAME", "orders"),
      Map.entry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"), Map.entry("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
      Map.entry("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/orders"),
      Map.entry("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/02/[$LATEST]0123456789abcdef0123456789abcdef"),
      Map.entry("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"), Map.entry("AWS_EXECUTION_ENV", "AWS_Lambda_java17"),
      Map.entry("LAMBDA_TASK_ROOT", "/var/task"), Map.entry("LAMBDA_RUNTIME_DIR", "/var/runtime"),
      Map.entry("_HANDLER", "com.example.orders.OrdersHandler::handleRequest"),
      Map.entry("JAVA_HOME", "/var/lang"), Map.entry("LD_LIBRARY_PATH", "/var/lang/lib:/lib64:/usr/lib64"),
      Map.entry("SECRETS_ENV", "prod"), Map.entry("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"));

  @Test
  void scanEnvironment_cleanLambdaEnvironment_compilesNoRuleExpression() {
    Detector detector = Detector.fresh();
    LAMBDA_ENV.forEach((name, value) -> assertThat(detector.scanEnvironment(name, value)).isEmpty());
    assertThat(detector.formatRules()).noneMatch(r -> r.pattern().isCompiled());
  }

  @Test
  void scanText_oneToken_compilesOnlyTheRulesItsAnchorsName() {
    Detector detector = Detector.fresh();
    assertThat(detector.scanText("token " + FakeTokens.githubToken(7))).extracting(Detection::rule)
        .containsExactly(Rule.GITHUB_TOKEN);
    assertThat(detector.formatRules().stream().filter(r -> r.pattern().isCompiled()).map(FormatRule::rule)
        .collect(Collectors.toSet())).containsExactly(Rule.GITHUB_TOKEN);
  }

  @Test
  void everyRuleExpression_compiles() {
    // a malformed expression fails here, not at its first match in production
    assertThat(Detector.fresh().formatRules()).allSatisfy(r -> assertThat(r.pattern().pattern()).isNotNull());
  }

  /** The guard's corpus: a token of every vendor rule and of the core rules, each a finding. */
  private static List<String> corpus() {
    List<String> corpus = new ArrayList<>();
    for (long seed = 11; seed < 14; seed++) {
      for (TokenFormatsTest.Case c : TokenFormatsTest.vendors()) {
        corpus.add(c.make().apply(new VendorTokens(seed)));
      }
    }
    String pw = FakeTokens.random(FakeTokens.ALNUM, 16, 5);
    corpus.add(FakeTokens.awsKeyId(3));
    corpus.add(FakeTokens.githubToken(4));
    corpus.add("jdbc:postgresql://db:5432/app?user=app&password=" + pw);
    corpus.add("https://app:" + pw + "@db.example.internal/");
    corpus.add("Server=tcp:db.example.internal,1433;Database=app;User ID=app;Password=" + pw + ";");
    corpus.add(String.join("", "aws_secret", "_access_key=") + FakeTokens.awsSecret(6));
    corpus.add("https://api.example.internal/v1?user=app&" + String.join("", "pass", "word=") + pw);
    return corpus;
  }

  @Test
  void vendorCorpus_lazyDetectorFindsWhatACompiledOneFinds() {
    Detector compiled = Detector.fresh();
    compiled.formatRules().forEach(r -> r.pattern().pattern());
    List<String> corpus = corpus();
    corpus.addAll(LAMBDA_ENV.values());
    int found = 0;
    for (String text : corpus) {
      Detector lazy = Detector.fresh(); // fresh each time: no expression compiled by an earlier sample
      List<String> expected = shapes(compiled.scanEnvironment("SETTING", text));
      assertThat(shapes(lazy.scanEnvironment("SETTING", text))).isEqualTo(expected);
      found += expected.isEmpty() ? 0 : 1;
    }
    assertThat(found).isEqualTo(corpus.size() - LAMBDA_ENV.size());
  }

  /** Rule, span and liveness (the span fixes the value in the same text): never the value itself. */
  private static List<String> shapes(List<Detection> found) {
    return found.stream().map(d -> d.rule().id() + "@" + d.start() + "-" + d.end() + (d.live() ? " live" : ""))
        .collect(Collectors.toList());
  }

  @Test
  void anchorScreen_listsEveryAnchorOfEveryRule() {
    Set<String> exact = new TreeSet<>();
    Set<String> anyCase = new TreeSet<>();
    for (FormatRule r : Detector.fresh().formatRules()) {
      for (FormatRule.Anchor a : r.anchors()) {
        (a.exact() ? exact : anyCase).add(a.exact() ? a.text() : a.text().toLowerCase(Locale.ROOT));
      }
    }
    assertThat(new TreeSet<>(List.of(AnchorScreen.EXACT))).isEqualTo(exact);
    assertThat(new TreeSet<>(List.of(AnchorScreen.ANY_CASE))).isEqualTo(anyCase);
  }

  @Test
  void anchorScreen_refinedAnchors_belongToTheOneRuleWhoseExpressionNeedsTheRefinement() {
    // the screen asks more of these anchors than their presence; sound only while no other rule has them
    Map<String, Rule> refined = Map.of("://", Rule.URL_PASSWORD, "ecret", Rule.AWS_SECRET_ACCESS_KEY,
        "server", Rule.JDBC_PASSWORD, "host", Rule.JDBC_PASSWORD, "address", Rule.JDBC_PASSWORD,
        "data source", Rule.JDBC_PASSWORD, "mt", Rule.DISCORD_TOKEN, "mj", Rule.DISCORD_TOKEN, "mz", Rule.DISCORD_TOKEN,
        "nd", Rule.DISCORD_TOKEN);
    Set<String> discord = Set.of("nt", "nj", "nz", "od", "ot");
    for (FormatRule r : Detector.fresh().formatRules()) {
      for (FormatRule.Anchor a : r.anchors()) {
        String key = a.text().toLowerCase(Locale.ROOT);
        Rule owner = discord.contains(key) ? Rule.DISCORD_TOKEN : refined.get(key);
        assertThat(owner == null || owner == r.rule()).as("anchor %s of %s", a.text(), r.rule()).isTrue();
      }
    }
    assertThat(AnchorScreen.mayMatch("https://api.example.internal/v1")).isFalse();
    assertThat(AnchorScreen.mayMatch("Server=db;Database=app")).isFalse();
    assertThat(AnchorScreen.mayMatch("io.secretsbroker.examples.lambda.ColdStartProbe")).isFalse();
    assertThat(AnchorScreen.mayMatch("/home/app/.m2/repository/io/secretsbroker/secretsbroker-api/0.1.0/api.jar"))
        .isFalse();
    assertThat(AnchorScreen.mayMatch("SUN_STANDARD")).isFalse();
  }

  @Test
  void anchorScreen_corpus_passesEveryValueARuleReports() {
    Detector detector = Detector.defaults();
    EnvironmentScan scan = EnvironmentScan.allowing(List.of());
    int reported = 0;
    for (String text : corpus()) {
      List<String> full = shapes(detector.scanEnvironment("SETTING", text));
      assertThat(full).isNotEmpty();
      assertThat(AnchorScreen.mayMatch(text)).isTrue();
      // the whole scan, screen included, reports what the rules report, as a variable and as a property
      List<Finding> found = scan.check(Map.of("SETTING", text), Map.of("app.setting", text));
      assertThat(found).extracting(Finding::ruleId).containsOnly(full.get(0).substring(0, full.get(0).indexOf('@')));
      assertThat(found).hasSize(2);
      reported++;
    }
    assertThat(reported).isGreaterThan(100);
    // a secret-sounding name with a plain value is still judged by the rules (env-secret), screen or not
    assertThat(scan.check(Map.of("DB_PASSWORD", "hunter2-" + FakeTokens.random(FakeTokens.ALNUM, 6, 8)), Map.of()))
        .extracting(Finding::ruleId).containsExactly("env-secret");
  }

  @Test
  void environmentScan_cleanEnvironment_neverBuildsTheRules_aTokenDoes() throws Exception {
    URL classes = EnvironmentScan.class.getProtectionDomain().getCodeSource().getLocation();
    Map<String, String> props = Map.of("java.vendor.url", "https://openjdk.org/", "user.dir", "/var/task",
        "secrets.provider", "aws://?region=us-east-1&endpoint=http://127.0.0.1:4566",
        "sun.java.command", "io.secretsbroker.examples.lambda.ColdStartProbe client");
    try (Isolated loader = new Isolated(classes)) {
      Class<?> scanClass = Class.forName(EnvironmentScan.class.getName(), true, loader);
      Object scan = scanClass.getMethod("allowing", java.util.Collection.class).invoke(null, List.of());
      java.lang.reflect.Method check = scanClass.getMethod("check", Map.class, Map.class);
      assertThat((List<?>) check.invoke(scan, LAMBDA_ENV, props)).isEmpty();
      assertThat(loader.loaded(CoreFormats.class.getName())).isFalse();
      assertThat((List<?>) check.invoke(scan, Map.of("GH", FakeTokens.githubToken(9)), Map.of())).hasSize(1);
      assertThat(loader.loaded(CoreFormats.class.getName())).isTrue();
    }
  }

  /** Loads the guard's classes afresh (parent: the platform loader), so their start-up can be watched. */
  private static final class Isolated extends URLClassLoader {
    Isolated(URL classes) {
      super(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
    }

    boolean loaded(String name) {
      return findLoadedClass(name) != null;
    }
  }
}
