package io.secretsbroker.guard.scan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.guard.Finding;
import io.secretsbroker.guard.Rule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes a scan's findings as text (for a person), JSON Lines (one object per finding) or SARIF
 * 2.1.0 (for GitHub code scanning). Every form carries the masked value only. Stateless.
 */
final class Reporter {
  enum Format { TEXT, JSON, SARIF }

  private static final ObjectMapper JSON = new ObjectMapper();

  private Reporter() {}

  /** Writes the report; values are masked fully ({@code ****}): no prefix, no length, no hash. */
  static void write(Format format, Scanner.ScanResult result, Writer out) {
    try {
      switch (format) {
        case TEXT -> text(result, out);
        case JSON -> jsonLines(result.findings(), out);
        case SARIF -> out.write(JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(sarif(result.findings())) + "\n");
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void text(Scanner.ScanResult r, Writer out) throws IOException {
    for (Finding f : r.findings()) {
      String value = f.masked();
      out.write(f.location() + "  " + f.ruleId() + "  " + f.verdict().severity()
          + (f.verdict().failsBuild() ? " (fails)" : " (reported)") + (value.isEmpty() ? "" : "  " + value)
          + (f.subject() == null ? "" : "  (" + f.subject() + ")") + "\n");
      out.write("    " + f.rule().title() + ". " + f.fix() + "\n");
      out.write("    Policy: " + f.verdict().reason() + ".\n");
    }
    out.write(r.findings().size() + (r.findings().size() == 1 ? " finding" : " findings") + " ("
        + r.failing() + " failing the build) in " + r.files() + " files (" + r.bytes() / 1024 + " KiB)");
    if (r.suppressed() > 0 || r.baselined() > 0) {
      out.write("; " + r.suppressed() + " suppressed inline, " + r.baselined() + " accepted by the baseline");
    }
    out.write(".\n");
    if (r.suppressedWithoutReason() > 0) {
      out.write("Note: " + r.suppressedWithoutReason() + " secrets-guard:allow comment(s) without a reason were"
          + " ignored; write the reason after the marker.\n");
    }
  }

  static ObjectNode json(Finding f) {
    ObjectNode o = JSON.createObjectNode();
    o.put("ruleId", f.ruleId());
    o.put("title", f.rule().title());
    o.put("path", f.path());
    o.put("line", f.line());
    o.put("column", f.column());
    o.put("location", f.location());
    if (f.subject() != null) {
      o.put("subject", f.subject());
    }
    o.put("masked", f.masked());
    o.put("severity", f.verdict().severity());
    o.put("failsBuild", f.verdict().failsBuild());
    o.put("policy", f.verdict().reason());
    o.put("live", f.live());
    o.put("fingerprint", f.fingerprint());
    o.put("fix", f.fix());
    return o;
  }

  private static void jsonLines(List<Finding> findings, Writer out) throws IOException {
    for (Finding f : findings) {
      out.write(JSON.writeValueAsString(json(f)) + "\n");
    }
  }

  static ObjectNode sarif(List<Finding> findings) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "secretsbroker-guard");
    driver.put("informationUri", "https://github.com/secretsbroker/secretsbroker/blob/main/docs/guard.md");
    driver.put("semanticVersion", "0.1.0");
    ArrayNode rules = driver.putArray("rules");
    for (Rule r : Rule.values()) {
      ObjectNode rule = rules.addObject();
      rule.put("id", r.id());
      rule.put("name", camel(r.id()));
      rule.putObject("shortDescription").put("text", r.title());
      rule.putObject("fullDescription").put("text", r.title() + ". Family: " + r.family() + ".");
      rule.putObject("help").put("text", r.fix());
      rule.putObject("defaultConfiguration").put("level", "error");
      ObjectNode props = rule.putObject("properties");
      props.putArray("tags").add("security").add("secrets");
      props.put("security-severity", "8.0");
      props.put("precision", r.family().equals("generic") ? "medium" : "high");
    }
    ArrayNode results = run.putArray("results");
    for (Finding f : findings) {
      ObjectNode res = results.addObject();
      res.put("ruleId", f.ruleId());
      res.put("ruleIndex", f.rule().ordinal());
      res.put("level", f.verdict().failsBuild() ? "error" : "warning");
      String value = f.masked();
      res.putObject("message").put("text", f.rule().title()
          + (f.subject() == null ? "" : " in " + f.subject()) + (value.isEmpty() ? "" : " (" + value + ")")
          + ". " + f.fix() + " Policy: " + f.verdict().reason() + ".");
      ObjectNode resProps = res.putObject("properties");
      resProps.put("severity", f.verdict().severity());
      resProps.put("failsBuild", f.verdict().failsBuild());
      resProps.put("live", f.live());
      ObjectNode physical = res.putArray("locations").addObject().putObject("physicalLocation");
      String uri = f.path();
      int bang = uri.indexOf("!/");
      physical.putObject("artifactLocation").put("uri", bang >= 0 ? uri.substring(0, bang) : uri)
          .put("uriBaseId", "%SRCROOT%");
      ObjectNode region = physical.putObject("region");
      region.put("startLine", Math.max(1, f.line()));
      if (f.column() > 0) {
        region.put("startColumn", f.column());
      }
      res.putObject("partialFingerprints").put("secretsGuardFingerprint/v2", f.fingerprint());
    }
    return root;
  }

  private static String camel(String id) {
    StringBuilder sb = new StringBuilder();
    for (String part : id.split("-")) {
      sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return sb.toString();
  }
}
