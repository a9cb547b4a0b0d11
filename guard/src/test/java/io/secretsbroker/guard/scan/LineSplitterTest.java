package io.secretsbroker.guard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Each splitter against the regular expression it replaced, on tricky and on random lines. */
class LineSplitterTest {
  private static final Pattern PROPERTIES = Pattern.compile("^\\s*([^#!\\s=:][^=:]*?)\\s*[=:]\\s*(.*)$");
  private static final Pattern ENV =
      Pattern.compile("^\\s*(?:export\\s+|set\\s+|setx\\s+)?([A-Za-z_][A-Za-z0-9_.\\-/:]*)\\s*=\\s*(.*)$");
  private static final Pattern YAML = Pattern.compile("^(\\s*)(-\\s+)?[\"']?([^\"'#:{}\\[\\],]+?)[\"']?\\s*:(?:\\s+(.*))?$");

  private static final List<String> TRICKY = List.of("a=b", "  key = value # c", "a:b", "a : b", "#a=b", "!a=b",
      "=a", ":a", "a", "a b c = d e", "a=", "a=\u2028", "a=b\u2028c", "a=\u0085b", "export FOO=bar", "export=1",
      "export  =x", "set X=1", "setx X=1", "setx=1", "exportFOO=1", "  export   A.B/c:d = v", "1A=b", "_a=b",
      "key: value", "key:", "key:value", "  - name: DB_PASSWORD", "  -name: x", "   : x", "- : x", "-  : x",
      "\"quoted\": 'v'", "'k' : v", "a#b: c", "ab\"c: d", "a \"b\": c", "k: v: w", "[a]: b", "k:\t\tv",
      "  value: ${X}", "a b: c", "k: v\u2028", "-", "- ", ":", "\"\": x", "- \"k\": v", "k : ", "\u000Bk: v");

  private static String describe(Matcher m, boolean found, int... groups) {
    if (!found) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    for (int g : groups) {
      sb.append('[').append(m.group(g)).append('@').append(m.start(g)).append(']');
    }
    return sb.toString();
  }

  private static String describe(LineSplitter.Pair p) {
    return p == null ? "none" : "[" + p.name() + "@?][" + p.value() + "@" + p.valueAt() + "]";
  }

  private static String pairOracle(Pattern pattern, String line) {
    Matcher m = pattern.matcher(line);
    boolean found = m.find();
    return found ? "[" + m.group(1) + "@?][" + m.group(2) + "@" + m.start(2) + "]" : "none";
  }

  private static String yamlOracle(String line) {
    Matcher m = YAML.matcher(line);
    if (!m.matches()) {
      return "none";
    }
    int indent = m.group(1).length() + (m.group(2) == null ? 0 : m.group(2).length());
    String key = m.group(3);
    boolean special = key.strip().equals("name") || key.strip().equals("value");
    return (special ? indent : "-") + "[" + key.strip() + "][" + m.group(4) + "@" + (m.group(4) == null ? -1 : m.start(4)) + "]";
  }

  private static String yaml(String line) {
    LineSplitter.YamlPair y = LineSplitter.yamlPair(line);
    if (y == null) {
      return "none";
    }
    boolean special = y.key().strip().equals("name") || y.key().strip().equals("value");
    return (special ? y.indent() : "-") + "[" + y.key().strip() + "][" + y.value() + "@" + y.valueAt() + "]";
  }

  private static List<String> lines() {
    List<String> lines = new ArrayList<>(TRICKY);
    Random r = new Random(7);
    String alphabet = "aZ_9 \t-:=#!\"'{}[],./xe\u2028";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int len = r.nextInt(12);
      if (r.nextInt(4) == 0) {
        sb.append(List.of("export ", "set ", "setx ", "- ", "  - ", "name: ", "value: ").get(r.nextInt(7)));
      }
      for (int j = 0; j < len; j++) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      lines.add(sb.toString());
    }
    return lines;
  }

  @Test
  void propertiesPair_anyLine_sameAsItsRegex() {
    for (String line : lines()) {
      assertThat(describe(LineSplitter.propertiesPair(line))).as(line).isEqualTo(pairOracle(PROPERTIES, line));
    }
  }

  @Test
  void envPair_anyLine_sameAsItsRegex() {
    for (String line : lines()) {
      assertThat(describe(LineSplitter.envPair(line))).as(line).isEqualTo(pairOracle(ENV, line));
    }
  }

  @Test
  void yamlPair_anyLine_sameAsItsRegex() {
    for (String line : lines()) {
      assertThat(yaml(line)).as(line).isEqualTo(yamlOracle(line));
    }
  }
}
