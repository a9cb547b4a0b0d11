package io.secretsbroker.guard.scan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.secretsbroker.guard.Detection;
import io.secretsbroker.guard.Detector;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds name/value pairs in configuration and infrastructure files and judges each with
 * {@link Detector#scanAssignment}: {@code .properties}, {@code .env}, INI/TOML/{@code .npmrc}-style
 * files and shell scripts (line pairs), YAML (key: value lines, and Kubernetes/ECS
 * {@code - name: X / value: Y} env entries), JSON (streamed with Jackson, including
 * {@code {"name": X, "value": Y}} entries), Dockerfile {@code ENV}/{@code ARG}, Terraform/HCL
 * {@code key = "value"} (so {@code environment { variables = {...} }}) and XML elements and
 * {@code name=/value=} attributes. Stateless and thread-safe.
 */
final class ConfigAnalyzer {
  enum Kind { PROPERTIES, ENV, YAML, JSON, DOCKERFILE, TERRAFORM, XML }

  private static final Pattern DOCKER_INSTR = Pattern.compile("^\\s*(ENV|ARG)\\s+(.*)$", Pattern.CASE_INSENSITIVE);
  private static final Pattern DOCKER_KV = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|'[^']*'|\\S+)");
  private static final Pattern HCL_PAIR = Pattern.compile("^\\s*\"?([A-Za-z0-9_.\\-]+)\"?\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern XML_ELEMENT = Pattern.compile("<([A-Za-z_][\\w:.\\-]*)(?:\\s[^>]*)?>([^<]{1,1000})</\\1>");
  private static final Pattern XML_ATTR_PAIR = Pattern.compile(
      "(?:name|key)\\s*=\\s*\"([^\"]+)\"\\s+(?:value|password|secret)\\s*=\\s*\"([^\"]*)\"");
  private static final Pattern XML_ATTR = Pattern.compile("\\s([A-Za-z_][\\w:.\\-]*)\\s*=\\s*\"([^\"]{1,1000})\"");

  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS).enable(JsonReadFeature.ALLOW_TRAILING_COMMA).build();

  private final Detector detector = Detector.defaults();

  void analyze(Kind kind, SourceText src) {
    switch (kind) {
      case JSON -> json(src);
      case XML -> xml(src);
      default -> lines(kind, src);
    }
  }

  private void lines(Kind kind, SourceText src) {
    String text = src.text;
    int lineStart = 0;
    String pendingName = null;
    int pendingIndent = -1;
    while (lineStart <= text.length()) {
      int nl = text.indexOf('\n', lineStart);
      int lineEnd = nl < 0 ? text.length() : nl;
      if (lineEnd > lineStart && text.charAt(lineEnd - 1) == '\r') {
        lineEnd--; // CRLF files: the carriage return is no part of any value
      }
      String line = text.substring(lineStart, lineEnd);
      if (!line.isBlank()) {
        switch (kind) {
          case PROPERTIES -> pair(src, LineSplitter.propertiesPair(line), lineStart, false);
          case ENV -> pair(src, LineSplitter.envPair(line), lineStart, true);
          case TERRAFORM -> {
            Matcher m = HCL_PAIR.matcher(line);
            if (m.find()) {
              judge(src, m.group(1), m.group(2), lineStart + m.start(2), false);
            }
          }
          case DOCKERFILE -> docker(src, line, lineStart);
          case YAML -> {
            LineSplitter.YamlPair y = LineSplitter.yamlPair(line);
            if (y != null) {
              String key = y.key().strip();
              String value = y.value() == null ? "" : y.value();
              if (key.equals("name")) {
                pendingName = unquote(stripYamlComment(value));
                pendingIndent = y.indent();
              } else if (key.equals("value") && pendingName != null && y.indent() == pendingIndent) {
                judge(src, pendingName, value, lineStart + y.valueAt(), true);
                pendingName = null;
              } else if (!value.isEmpty()) {
                judge(src, key, value, lineStart + y.valueAt(), true);
              }
            }
          }
          default -> { }
        }
      }
      if (nl < 0) {
        break;
      }
      lineStart = nl + 1;
    }
  }

  private void pair(SourceText src, LineSplitter.Pair p, int lineStart, boolean shellComments) {
    if (p != null) {
      judge(src, p.name(), p.value(), lineStart + p.valueAt(), shellComments);
    }
  }

  private void docker(SourceText src, String line, int lineStart) {
    Matcher instr = DOCKER_INSTR.matcher(line);
    if (!instr.matches()) {
      return;
    }
    String rest = instr.group(2);
    int restAt = instr.start(2);
    Matcher kv = DOCKER_KV.matcher(rest);
    boolean any = false;
    while (kv.find()) {
      any = true;
      judge(src, kv.group(1), kv.group(2), lineStart + restAt + kv.start(2), false);
    }
    if (!any) {
      String[] parts = rest.strip().split("\\s+", 2);
      if (parts.length == 2) {
        judge(src, parts[0], parts[1], lineStart + restAt + rest.indexOf(parts[1], parts[0].length()), false);
      }
    }
  }

  /** Judges one pair; {@code valueAt} is the absolute offset of {@code rawValue} in the text. */
  private void judge(SourceText src, String name, String rawValue, int valueAt, boolean stripHashComment) {
    int marker = rawValue.indexOf(SourceText.ALLOW_MARKER);
    if (marker >= 0) {
      // formats without inline comments (.properties): the allow comment is not part of the value
      rawValue = rawValue.substring(0, marker).replaceAll("[\\s#!/;]*$", "");
    }
    String value = stripHashComment ? stripYamlComment(rawValue) : rawValue.strip();
    String unquoted = unquote(value);
    if (unquoted.isEmpty()) {
      return;
    }
    int lead = rawValue.indexOf(unquoted);
    List<Detection> found = detector.scanAssignment(name.strip(), unquoted);
    for (Detection d : found) {
      src.report(d, valueAt + Math.max(lead, 0), name.strip());
    }
  }

  private static String stripYamlComment(String v) {
    String s = v.strip();
    if (s.startsWith("\"") || s.startsWith("'")) {
      int close = s.indexOf(s.charAt(0), 1);
      return close > 0 ? s.substring(0, close + 1) : s;
    }
    int hash = s.indexOf(" #");
    return hash >= 0 ? s.substring(0, hash).strip() : s;
  }

  private static String unquote(String v) {
    String s = v.strip();
    if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  private void json(SourceText src) {
    try (JsonParser p = JSON.createParser(src.text)) {
      Deque<String[]> objects = new ArrayDeque<>(); // per object: {pending "name" value}
      String field = null;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        switch (t) {
          case START_OBJECT -> objects.push(new String[1]);
          case END_OBJECT -> objects.poll();
          case FIELD_NAME -> field = p.currentName();
          case VALUE_STRING -> {
            String value = p.getText();
            JsonLocation loc = p.currentTokenLocation();
            String[] obj = objects.peek();
            if (field != null && obj != null && field.equalsIgnoreCase("name")) {
              obj[0] = value;
            } else if (field != null && obj != null && field.equalsIgnoreCase("value") && obj[0] != null) {
              reportJson(src, obj[0], value, loc);
            } else if (field != null) {
              reportJson(src, field, value, loc);
            }
          }
          default -> { }
        }
      }
    } catch (IOException e) {
      // not valid JSON (a template, JSON5): the format rules have already run over the text
    }
  }

  private void reportJson(SourceText src, String name, String value, JsonLocation loc) {
    for (Detection d : detector.scanAssignment(name, value)) {
      src.reportAt(d, loc.getLineNr(), loc.getColumnNr() + 1 + d.start(), name);
    }
  }

  private void xml(SourceText src) {
    Matcher m = XML_ELEMENT.matcher(src.text);
    while (m.find()) {
      judge(src, m.group(1), m.group(2), m.start(2), false);
    }
    Matcher a = XML_ATTR_PAIR.matcher(src.text);
    while (a.find()) {
      judge(src, a.group(1), a.group(2), a.start(2), false);
    }
    Matcher attr = XML_ATTR.matcher(src.text);
    while (attr.find()) {
      judge(src, attr.group(1), attr.group(2), attr.start(2), false);
    }
  }
}
