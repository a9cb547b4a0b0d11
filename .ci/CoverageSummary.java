import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints line and branch coverage per module and per package from JaCoCo's aggregate CSV
 * ({@code coverage/target/site/jacoco-aggregate/jacoco.csv}), and writes the same table as
 * Markdown next to it ({@code coverage-summary.md}) for docs/testing.md. Report only: no threshold.
 *
 * <p>Run: {@code java .ci/CoverageSummary.java coverage/target/site/jacoco-aggregate/jacoco.csv}
 */
public class CoverageSummary {
  /** missed and covered lines, missed and covered branches */
  static final class Counts {
    long lm, lc, bm, bc;

    void add(String[] f) {
      bm += Long.parseLong(f[5]);
      bc += Long.parseLong(f[6]);
      lm += Long.parseLong(f[7]);
      lc += Long.parseLong(f[8]);
    }

    static String pct(long missed, long covered) {
      return missed + covered == 0 ? "n/a" : String.format("%.1f%%", 100.0 * covered / (missed + covered));
    }

    String row(String name) {
      return String.format("| %s | %s (%d/%d) | %s (%d/%d) |", name, pct(lm, lc), lc, lm + lc, pct(bm, bc), bc, bm + bc);
    }
  }

  public static void main(String[] args) throws Exception {
    Path csv = Path.of(args.length > 0 ? args[0] : "coverage/target/site/jacoco-aggregate/jacoco.csv");
    if (!Files.exists(csv)) {
      System.out.println("no coverage report at " + csv + " (was ./mvnw -B verify run with JaCoCo?)");
      System.exit(1);
    }
    List<String> lines = Files.readAllLines(csv);
    Map<String, Counts> modules = new TreeMap<>();
    Map<String, Counts> packages = new TreeMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      f[0] = f[0].substring(f[0].lastIndexOf('/') + 1); // "<report title>/<artifactId>" -> artifactId
      modules.computeIfAbsent(f[0], k -> new Counts()).add(f);
      packages.computeIfAbsent(f[0] + " " + f[1], k -> new Counts()).add(f);
    }
    StringBuilder out = new StringBuilder();
    out.append("| module | lines | branches |\n| --- | --- | --- |\n");
    modules.forEach((k, v) -> out.append(v.row(k)).append('\n'));
    out.append("\n| module, package | lines | branches |\n| --- | --- | --- |\n");
    packages.forEach((k, v) -> out.append(v.row(k)).append('\n'));
    System.out.print(out);
    Path md = csv.resolveSibling("coverage-summary.md");
    Files.writeString(md, out);
    System.out.println("(written to " + md + ")");
  }
}
