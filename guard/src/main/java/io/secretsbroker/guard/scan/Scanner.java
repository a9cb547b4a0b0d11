package io.secretsbroker.guard.scan;

import io.secretsbroker.guard.Detection;
import io.secretsbroker.guard.Detector;
import io.secretsbroker.guard.Finding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The source and artifact scanner behind the CLI and the Maven goal.
 *
 * <p>Walks each path given; skips build output and tool directories ({@link #SKIPPED_DIRS}),
 * excluded globs and binary files; runs the format rules over every text file, then the
 * file's structural analysis: Java through {@link JavaAnalyzer}, configuration and
 * infrastructure files through {@link ConfigAnalyzer}. Jars, wars and zips are opened (nested
 * jars too) and their class files' string constants and text resources are judged the same way.
 * Findings on a line carrying {@code secrets-guard:allow <reason>} and findings whose fingerprint
 * is in the baseline are counted, not reported.
 *
 * <p>Not thread-safe (it holds a JavaParser); use one scanner per thread. I/O failures on a file
 * surface as {@link UncheckedIOException} naming the file.
 */
public final class Scanner {
  /** Directory names never descended into: build output, dependencies, VCS and IDE metadata. */
  public static final Set<String> SKIPPED_DIRS = Set.of("target", "build", "node_modules", ".git", ".gradle",
      ".idea", ".svn", ".hg", "__pycache__", ".terraform", ".serverless", ".aws-sam");
  private static final Set<String> BINARY_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "ico", "bmp", "webp",
      "pdf", "gz", "tgz", "bz2", "xz", "7z", "rar", "exe", "dll", "so", "dylib", "woff", "woff2", "ttf", "otf", "eot",
      "mp3", "mp4", "mov", "avi", "wav", "bin", "dat", "db", "sqlite", "jks", "p12", "pfx", "keystore", "der", "crt",
      "cer", "svgz", "lock.bin", "pyc", "o", "a", "lib", "iso", "dmg");
  private static final Set<String> ARCHIVES = Set.of("jar", "war", "ear", "zip");
  private static final long MAX_FILE = 64L << 20;

  private final List<PathMatcher> excludes;
  private final List<String> excludeGlobs;
  private final Baseline baseline;
  private final BuildPolicy policy;
  private final Detector detector = Detector.defaults();
  private final JavaAnalyzer java = new JavaAnalyzer();
  private final ConfigAnalyzer config = new ConfigAnalyzer();
  private final CodeAnalyzer code = new CodeAnalyzer();

  private Scanner(List<String> excludeGlobs, Baseline baseline, BuildPolicy policy) {
    this.policy = policy;
    this.excludeGlobs = List.copyOf(excludeGlobs);
    this.excludes = excludeGlobs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    this.baseline = baseline;
  }

  /**
   * A scanner.
   *
   * @param excludeGlobs globs matched against each file's path relative to the scanned root, with
   *                     {@code /} separators ({@code guard/src/test/resources/corpus/**})
   * @param baselineFile fingerprints of accepted findings, or null
   * @throws UncheckedIOException when the baseline cannot be read
   */
  public static Scanner create(List<String> excludeGlobs, Path baselineFile) {
    return create(excludeGlobs, baselineFile, false);
  }

  /**
   * A scanner with the default build policy ({@link BuildPolicy}), or the strict one where every
   * finding fails.
   *
   * @throws UncheckedIOException when the baseline cannot be read
   */
  public static Scanner create(List<String> excludeGlobs, Path baselineFile, boolean strict) {
    try {
      return new Scanner(excludeGlobs, baselineFile == null ? Baseline.empty() : Baseline.read(baselineFile),
          new BuildPolicy(strict));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read baseline " + baselineFile + ": " + e.getMessage(), e);
    }
  }

  /** Scans files and directory trees; paths in findings are shown as given plus the path below them. */
  public ScanResult scan(List<Path> roots) {
    return scan(roots, null);
  }

  /**
   * Scans files and directory trees; paths in findings (and so in fingerprints) are shown relative
   * to {@code base} for roots below it (the Maven goal passes {@code ${project.basedir}}, so a
   * committed baseline matches in every checkout), as given otherwise or when {@code base} is null.
   */
  public ScanResult scan(List<Path> roots, Path base) {
    ScanResult result = new ScanResult();
    Path absBase = base == null ? null : base.toAbsolutePath().normalize();
    for (Path root : roots) {
      Path abs = root.toAbsolutePath().normalize();
      Path shownRoot = absBase != null && abs.startsWith(absBase) ? absBase.relativize(abs) : root;
      if (Files.isDirectory(root)) {
        walk(root, shownRoot, result);
      } else {
        scanFile(root, display(shownRoot), result);
      }
    }
    return result;
  }

  private void walk(Path root, Path shownRoot, ScanResult result) {
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          if (!dir.equals(root) && (SKIPPED_DIRS.contains(dir.getFileName().toString()) || excluded(root, dir))) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile() && !excluded(root, file)) {
            scanFile(file, display(shownRoot.resolve(root.relativize(file))), result);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot walk " + root + ": " + e.getMessage(), e);
    }
  }

  private boolean excluded(Path root, Path p) {
    if (excludes.isEmpty()) {
      return false;
    }
    Path rel = root.relativize(p);
    for (PathMatcher m : excludes) {
      if (m.matches(rel)) {
        return true;
      }
    }
    return false;
  }

  private static String display(Path p) {
    String s = p.normalize().toString().replace('\\', '/');
    return s.isEmpty() ? "." : s;
  }

  private void scanFile(Path file, String shown, ScanResult result) {
    String name = file.getFileName().toString();
    String ext = extension(name);
    try {
      if ((ext.equals("p12") || ext.equals("pfx")) && Files.size(file) <= MAX_FILE) {
        keyStore(Files.readAllBytes(file), shown, result);
        return;
      }
      if (Files.size(file) > MAX_FILE || BINARY_EXTENSIONS.contains(ext)) {
        result.skipped++;
        return;
      }
      if (ARCHIVES.contains(ext)) {
        try (InputStream in = Files.newInputStream(file)) {
          archive(in, shown, result);
        }
        result.files++;
        return;
      }
      byte[] bytes = Files.readAllBytes(file);
      if (name.endsWith(".class")) {
        classFile(bytes, shown, result);
      } else if (!isBinary(bytes)) {
        text(name, new String(bytes, StandardCharsets.UTF_8), shown, result);
      } else {
        result.skipped++;
        return;
      }
      result.files++;
      result.bytes += bytes.length;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + shown + ": " + e.getMessage(), e);
    }
  }

  private void archive(InputStream in, String shown, ScanResult result) throws IOException {
    ZipInputStream zip = new ZipInputStream(in);
    ZipEntry entry;
    while ((entry = zip.getNextEntry()) != null) {
      if (entry.isDirectory()) {
        continue;
      }
      String entryName = entry.getName();
      String ext = extension(entryName);
      String where = shown + "!/" + entryName;
      if (ARCHIVES.contains(ext)) {
        archive(new NonClosing(zip), where, result);
      } else if (entryName.endsWith(".class")) {
        classFile(readEntry(zip), where, result);
      } else if (kindOf(fileName(entryName)) != null && !entryName.startsWith("META-INF/maven/")) {
        byte[] bytes = readEntry(zip);
        if (!isBinary(bytes)) {
          text(fileName(entryName), new String(bytes, StandardCharsets.UTF_8), where, result);
          result.bytes += bytes.length;
        }
      }
    }
  }

  private static byte[] readEntry(ZipInputStream zip) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    zip.transferTo(out);
    return out.toByteArray();
  }

  /** A {@code .p12}/{@code .pfx} file: reported when its DER is a PKCS#12 store. */
  private void keyStore(byte[] bytes, String shown, ScanResult result) {
    SourceText src = new SourceText(shown, "");
    for (Detection d : detector.scanKeyStoreFile(bytes)) {
      src.reportAt(d, 0, 0, null);
    }
    collect(src, result);
    result.files++;
    result.bytes += bytes.length;
  }

  private void classFile(byte[] bytes, String shown, ScanResult result) {
    SourceText src = new SourceText(shown, "");
    for (ClassFileReader.Constant c : ClassFileReader.constants(bytes)) {
      List<Detection> found = c.name() != null ? detector.scanAssignment(c.name(), c.value()) : detector.scanText(c.value());
      for (Detection d : found) {
        src.reportAt(d, 0, 0, c.name());
      }
    }
    collect(src, result);
    result.bytes += bytes.length;
  }

  private void text(String name, String text, String shown, ScanResult result) {
    SourceText src = new SourceText(shown, text);
    for (Detection d : detector.scanText(text)) {
      src.report(d, 0, null);
    }
    Object kind = kindOf(name);
    if (kind == Lang.JAVA) {
      java.analyze(src);
    } else if (kind instanceof ConfigAnalyzer.Kind k) {
      config.analyze(k, src);
    } else if (kind instanceof CodeAnalyzer.Family f) {
      code.analyze(f, src);
    }
    collect(src, result);
  }

  private void collect(SourceText src, ScanResult result) {
    for (Finding f : policy.judge(src.findings())) {
      if (baseline.accepts(f)) {
        result.baselined++;
      } else {
        result.findings.add(f);
        if (f.verdict().failsBuild()) {
          result.failing++;
        }
      }
    }
    result.suppressed += src.suppressed;
    result.suppressedWithoutReason += src.suppressedWithoutReason;
  }

  private enum Lang { JAVA }

  /**
   * The analysis a file name calls for: Lang.JAVA, a ConfigAnalyzer.Kind, a CodeAnalyzer.Family, or
   * null (format rules only). {@code .gradle} files are Groovy code, not properties.
   */
  static Object kindOf(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    String ext = extension(lower);
    if (ext.equals("java")) {
      return Lang.JAVA;
    }
    if (lower.equals("dockerfile") || lower.startsWith("dockerfile.") || ext.equals("dockerfile")
        || lower.equals("containerfile")) {
      return ConfigAnalyzer.Kind.DOCKERFILE;
    }
    if (lower.equals(".env") || lower.startsWith(".env.") || ext.equals("env") || ext.equals("sh")
        || ext.equals("bash") || ext.equals("zsh") || ext.equals("envrc") || lower.equals(".envrc")) {
      return ConfigAnalyzer.Kind.ENV;
    }
    return switch (ext) {
      case "properties", "ini", "cfg", "conf", "toml", "npmrc", "pypirc", "netrc" -> ConfigAnalyzer.Kind.PROPERTIES;
      case "yml", "yaml" -> ConfigAnalyzer.Kind.YAML;
      case "json" -> ConfigAnalyzer.Kind.JSON;
      case "tf", "tfvars", "hcl" -> ConfigAnalyzer.Kind.TERRAFORM;
      case "xml", "config" -> ConfigAnalyzer.Kind.XML;
      default -> lower.equals(".npmrc") || lower.equals(".pypirc") ? ConfigAnalyzer.Kind.PROPERTIES
          : CodeAnalyzer.familyOf(lower, ext);
    };
  }

  private static String extension(String name) {
    int slash = name.lastIndexOf('/');
    int dot = name.lastIndexOf('.');
    return dot > slash && dot >= 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
  }

  private static String fileName(String entry) {
    return entry.substring(entry.lastIndexOf('/') + 1);
  }

  private static boolean isBinary(byte[] bytes) {
    int n = Math.min(bytes.length, 8000);
    for (int i = 0; i < n; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }

  /** The exclude globs in force. */
  public List<String> excludeGlobs() {
    return excludeGlobs;
  }

  /** Keeps a nested archive's reader from closing the outer one. */
  private static final class NonClosing extends java.io.FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // the outer ZipInputStream owns the stream
    }
  }

  /** What a scan found: reported findings plus counts. Mutable while scanning; read it afterwards. */
  public static final class ScanResult {
    final List<Finding> findings = new ArrayList<>();
    int files;
    int skipped;
    long bytes;
    int suppressed;
    int suppressedWithoutReason;
    int baselined;
    int failing;

    public List<Finding> findings() {
      return findings;
    }

    /** Findings whose verdict fails the build. */
    public int failing() {
      return failing;
    }

    public int files() {
      return files;
    }

    public long bytes() {
      return bytes;
    }

    public int suppressed() {
      return suppressed;
    }

    public int suppressedWithoutReason() {
      return suppressedWithoutReason;
    }

    public int baselined() {
      return baselined;
    }

    public int skipped() {
      return skipped;
    }
  }
}
