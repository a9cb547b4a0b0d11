import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Prints every skipped test of the build with its reason, read from the surefire XML reports
 * under the given root ({@code * /target/surefire-reports/TEST-*.xml}): surefire's console summary
 * only counts skipped tests, and a Testcontainers test that skipped because no Docker engine runs
 * should say so where people look. Informational: always exits 0.
 *
 * <p>Run by the {@code coverage} module at the end of {@code ./mvnw -B verify}, or by hand:
 * {@code java .ci/SkippedTests.java .}
 */
public class SkippedTests {
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : ".");
    List<Path> reports = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root, 6)) {
      s.filter(p -> p.getFileName().toString().startsWith("TEST-") && p.toString().endsWith(".xml")
          && p.getParent().getFileName().toString().equals("surefire-reports")).sorted().forEach(reports::add);
    }
    // class -> reason -> test names
    Map<String, Map<String, List<String>>> skipped = new TreeMap<>();
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    int total = 0;
    for (Path report : reports) {
      NodeList cases;
      try {
        cases = f.newDocumentBuilder().parse(report.toFile()).getElementsByTagName("testcase");
      } catch (IOException | org.xml.sax.SAXException e) {
        continue; // a report being written by a parallel build; nothing to say about it
      }
      for (int i = 0; i < cases.getLength(); i++) {
        Element c = (Element) cases.item(i);
        NodeList s = c.getElementsByTagName("skipped");
        if (s.getLength() == 0) {
          continue;
        }
        Element skip = (Element) s.item(0);
        String reason = skip.getAttribute("message");
        if (reason.isBlank()) { // an assumption failure: the reason is the first line of the trace
          String trace = skip.getTextContent().strip();
          reason = trace.lines().findFirst().orElse("").replaceFirst("^org\\.opentest4j\\.TestAbortedException: ", "");
        }
        skipped.computeIfAbsent(c.getAttribute("classname"), k -> new TreeMap<>())
            .computeIfAbsent(reason.isBlank() ? "(no reason given)" : reason.strip(), k -> new ArrayList<>())
            .add(c.getAttribute("name"));
        total++;
      }
    }
    if (total == 0) {
      System.out.println("Skipped tests: none (" + reports.size() + " test reports read)");
      return;
    }
    System.out.println("Skipped tests: " + total + ", with their reasons:");
    skipped.forEach((cls, reasons) -> reasons.forEach((reason, names) -> System.out.println("  "
        + cls.substring(cls.lastIndexOf('.') + 1) + " (" + names.size() + (names.size() == 1 ? " test: " + names.get(0) : " tests")
        + "): " + reason)));
  }
}
