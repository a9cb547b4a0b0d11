import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Checks the bundle the release profile would upload to Maven Central (built with
 * {@code -Prelease -Dgpg.skip=true -DskipPublishing=true}) against Central's requirements and ours:
 * every module has its POM with name, description, url, licence, developers and scm (own or
 * inherited from a parent in the bundle); every jar module its jar, sources jar, javadoc jar and
 * CycloneDX SBOM; every file its MD5 and SHA-1 checksums (verified); every jar a stable module name;
 * and the BOM lists exactly the published jar modules. Signatures (.asc) are required only with
 * {@code --require-signatures} (the rehearsal skips signing: no key on CI).
 *
 * <p>Run: {@code java .ci/CheckRelease.java target/central-publishing/central-bundle.zip bom/pom.xml}
 * (a JDK is all it needs). Exit status 1 and one line per problem when anything is missing.
 */
public class CheckRelease {
  private static final Pattern MODULE_NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
  private static final List<String> REQUIRED = List.of("name", "description", "url", "licenses", "developers", "scm");

  record Module(String groupId, String artifactId, String version, Map<String, byte[]> files) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: java .ci/CheckRelease.java <central-bundle.zip> <bom/pom.xml> [--require-signatures]");
      System.exit(2);
    }
    boolean requireSignatures = List.of(args).contains("--require-signatures");
    Map<String, Module> modules = readBundle(Path.of(args[0]));
    List<String> problems = new ArrayList<>();
    if (modules.isEmpty()) {
      problems.add(args[0] + ": the bundle holds no module");
    }
    Map<String, Document> poms = new TreeMap<>();
    for (Module m : modules.values()) {
      String base = m.artifactId() + "-" + m.version();
      byte[] pom = m.files().get(base + ".pom");
      if (pom == null) {
        problems.add(m.artifactId() + ": no " + base + ".pom");
        continue;
      }
      poms.put(m.artifactId(), parse(pom));
    }
    Set<String> jarModules = new TreeSet<>();
    int signed = 0;
    int files = 0;
    for (Module m : modules.values()) {
      String base = m.artifactId() + "-" + m.version();
      Document pom = poms.get(m.artifactId());
      if (pom == null) {
        continue;
      }
      for (String element : REQUIRED) {
        if (inherited(pom, element, poms) == null) {
          problems.add(m.artifactId() + ": the POM has no <" + element + "> (nor does a parent in the bundle)");
        }
      }
      String packaging = text(pom.getDocumentElement(), "packaging");
      boolean hasJar = packaging == null || packaging.equals("jar") || packaging.equals("maven-plugin");
      if (hasJar) {
        jarModules.add(m.artifactId());
        for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar", "-cyclonedx.json")) {
          if (!m.files().containsKey(base + suffix)) {
            problems.add(m.artifactId() + ": no " + base + suffix);
          }
        }
        byte[] jar = m.files().get(base + ".jar");
        if (jar != null) {
          String name = moduleName(jar);
          if (name == null || !MODULE_NAME.matcher(name).matches()) {
            problems.add(m.artifactId() + ": the jar has no valid module name (module-info or Automatic-Module-Name): " + name);
          }
        }
        byte[] javadoc = m.files().get(base + "-javadoc.jar");
        if (javadoc != null && entry(javadoc, "index.html") == null) {
          problems.add(m.artifactId() + ": the javadoc jar has no index.html");
        }
      }
      for (Map.Entry<String, byte[]> f : m.files().entrySet()) {
        String file = f.getKey();
        if (file.endsWith(".md5") || file.endsWith(".sha1") || file.endsWith(".sha256") || file.endsWith(".sha512")
            || file.endsWith(".asc")) {
          continue;
        }
        files++;
        checksum(m, file, "md5", "MD5", problems);
        checksum(m, file, "sha1", "SHA-1", problems);
        if (m.files().containsKey(file + ".asc")) {
          signed++;
        } else if (requireSignatures) {
          problems.add(m.artifactId() + ": no signature " + file + ".asc");
        }
      }
    }
    Set<String> bom = bomArtifacts(Path.of(args[1]));
    for (String a : jarModules) {
      if (!bom.contains(a)) {
        problems.add("bom/pom.xml does not list the published module " + a);
      }
    }
    for (String a : bom) {
      if (!jarModules.contains(a)) {
        problems.add("bom/pom.xml lists " + a + ", which the release does not publish");
      }
    }
    System.out.println("release bundle " + args[0] + ": " + modules.size() + " modules, " + jarModules.size()
        + " with jars (" + String.join(", ", jarModules) + "), " + files + " files checksummed, " + signed + " signed"
        + (requireSignatures ? "" : " (signing skipped in this rehearsal: pass --require-signatures to require .asc)"));
    if (!problems.isEmpty()) {
      problems.forEach(p -> System.out.println("MISSING: " + p));
      System.exit(1);
    }
    System.out.println("OK: every artifact Central requires is present, and the BOM lists every published module");
  }

  private static Map<String, Module> readBundle(Path zip) throws IOException {
    Map<String, Module> modules = new TreeMap<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.isDirectory()) {
          continue;
        }
        String[] parts = e.getName().split("/");
        if (parts.length < 4) {
          continue;
        }
        String version = parts[parts.length - 2];
        String artifactId = parts[parts.length - 3];
        String groupId = String.join(".", List.of(parts).subList(0, parts.length - 3));
        modules.computeIfAbsent(groupId + ":" + artifactId, k -> new Module(groupId, artifactId, version, new TreeMap<>()))
            .files().put(parts[parts.length - 1], in.readAllBytes());
      }
    }
    return modules;
  }

  private static void checksum(Module m, String file, String ext, String algorithm, List<String> problems) throws Exception {
    byte[] sum = m.files().get(file + "." + ext);
    if (sum == null) {
      problems.add(m.artifactId() + ": no " + file + "." + ext);
      return;
    }
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(m.files().get(file)));
    String actual = new String(sum, StandardCharsets.US_ASCII).trim().split("\\s+")[0];
    if (!expected.equalsIgnoreCase(actual)) {
      problems.add(m.artifactId() + ": " + file + "." + ext + " does not match the file");
    }
  }

  private static Document parse(byte[] xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
  }

  /** A top-level element of the POM, or of its parent chain inside the bundle. */
  private static Element inherited(Document pom, String element, Map<String, Document> poms) {
    Document current = pom;
    for (int depth = 0; current != null && depth < 10; depth++) {
      Element e = child(current.getDocumentElement(), element);
      if (e != null && !e.getTextContent().isBlank()) {
        return e;
      }
      Element parent = child(current.getDocumentElement(), "parent");
      current = parent == null ? null : poms.get(text(parent, "artifactId"));
    }
    return null;
  }

  private static Element child(Element parent, String name) {
    NodeList children = parent.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      Node n = children.item(i);
      if (n instanceof Element e && name.equals(e.getLocalName() != null ? e.getLocalName() : e.getTagName())) {
        return e;
      }
    }
    return null;
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().trim();
  }

  /** The declared module's name from module-info.class, else the manifest's Automatic-Module-Name. */
  private static String moduleName(byte[] jar) throws IOException {
    byte[] descriptor = entry(jar, "module-info.class");
    if (descriptor != null) {
      return ModuleDescriptor.read(ByteBuffer.wrap(descriptor)).name();
    }
    try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
      Manifest mf = in.getManifest();
      return mf == null ? null : mf.getMainAttributes().getValue("Automatic-Module-Name");
    }
  }

  private static byte[] entry(byte[] zip, String name) throws IOException {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.getName().equals(name)) {
          return in.readAllBytes();
        }
      }
    }
    return null;
  }

  private static Set<String> bomArtifacts(Path bomPom) throws Exception {
    Document bom = parse(Files.readAllBytes(bomPom));
    Set<String> artifacts = new TreeSet<>();
    NodeList deps = bom.getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      artifacts.add(text((Element) deps.item(i), "artifactId"));
    }
    return artifacts;
  }
}
