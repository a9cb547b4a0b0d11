package io.secretsbroker.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileProviderTest {
  private static final String SECRET = "s3cretLeak-4471"; // secrets-guard:allow test sentinel the no-leak assertions look for
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private SecretProvider provider;

  @AfterEach
  void close() {
    if (provider != null) {
      provider.close();
    }
  }

  private Path write(String json) throws Exception {
    Path file = dir.resolve("dev-secrets.json");
    Files.writeString(file, json);
    return file;
  }

  private SecretProvider open(Path file) {
    return open(file, Map.of());
  }

  private SecretProvider open(Path file, Map<String, String> settings) {
    provider = new LocalFileProviderFactory().create(ProviderUri.parse("local://" + file.toUri().getPath(), settings));
    return provider;
  }

  /** Opens a file whose modification time is {@code age} before now (negative: in the future). */
  private LocalFileProvider openAged(String json, Duration age) throws Exception {
    Path file = write(json);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
    return (LocalFileProvider) open(file);
  }

  private static String text(SecretRecord r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }

  @Test
  void fetch_plainString_randomVersionStableWhileUnchanged_notDerivedFromValue() throws Exception {
    Path file = write("{\"db\": \"" + SECRET + "\"}");
    SecretRecord r = open(file).fetch("db");
    String first = r.versionId();

    assertThat(text(r)).isEqualTo(SECRET);
    assertThat(first).matches("[0-9a-f]{32}");
    assertThat(provider.fetch("db").versionId()).isEqualTo(first);
    provider.close();
    assertThat(open(file).fetch("db").versionId()).as("a fresh provider draws its own id, not a digest")
        .isNotEqualTo(first);
    assertThat(r.toString()).doesNotContain(SECRET);
  }

  @Test
  void fetch_wrapperWithVersion_usesExplicitVersion() throws Exception {
    open(write("{\"a\": {\"value\": \"x\", \"version\": 7}, \"b\": {\"value\": \"y\", \"version\": \"v2\"}}"));

    assertThat(provider.fetch("a").versionId()).isEqualTo("7");
    assertThat(provider.fetch("b").versionId()).isEqualTo("v2");
    assertThat(text(provider.fetch("b"))).isEqualTo("y");
  }

  @Test
  void fetch_jsonObjectNotWrapper_storedAsJsonTextSoFieldWorks() throws Exception {
    open(write("{\"prod/orders/db\": {\"user\": \"app\", \"password\": \"" + SECRET + "\", \"port\": 5432}}"));

    SecretRecord r = provider.fetch("prod/orders/db");
    SecretValue v = SecretValue.of("db", r);

    assertThat(v.field("password")).isEqualTo(SECRET);
    assertThat(v.field("port")).isEqualTo("5432");
  }

  @Test
  void fetch_wrapperWithObjectValue_storedAsJsonText() throws Exception {
    open(write("{\"db\": {\"value\": {\"value\": \"inner\"}, \"version\": 1}}"));

    assertThat(SecretValue.of("db", provider.fetch("db")).field("value")).isEqualTo("inner");
  }

  @Test
  void fetch_numberArrayAndNull_jsonTextOrAbsent() throws Exception {
    open(write("{\"port\": 5432, \"hosts\": [\"a\", \"b\"], \"gone\": null}"));

    assertThat(text(provider.fetch("port"))).isEqualTo("5432");
    assertThat(text(provider.fetch("hosts"))).isEqualTo("[\"a\",\"b\"]");
    assertThatThrownBy(() -> provider.fetch("gone")).isInstanceOf(SecretNotFoundException.class);
  }

  @Test
  void fetch_base64Wrapper_returnsBinary() throws Exception {
    open(write("{\"key\": {\"base64\": \"AAH/gA==\"}}"));

    assertThat(provider.fetch("key").value()).containsExactly(0, 1, 0xff, 0x80);
  }

  @Test
  void fetch_disabledEntry_accessDeniedWithoutValue() throws Exception {
    open(write("{\"db\": {\"value\": \"" + SECRET + "\", \"enabled\": false}}"));

    Throwable t = catchThrowable(() -> provider.fetch("db"));

    assertThat(t).isInstanceOf(SecretAccessDeniedException.class).hasMessageContaining("'db'")
        .hasMessageContaining("enabled");
    assertThat(t.getMessage()).doesNotContain(SECRET);
  }

  @Test
  void fetch_missingName_notFoundNamingItAndTheFile() throws Exception {
    Path file = write("{}");

    assertThatThrownBy(() -> open(file).fetch("nope")).isInstanceOf(SecretNotFoundException.class)
        .hasMessageContaining("'nope'").hasMessageContaining(file.toString());
  }

  @Test
  void fetch_fileEditedSameSizeSameTimestamp_seesNewVersion() throws Exception {
    // modified "just now" as far as the provider can tell (a time in the near future is never old)
    LocalFileProvider local = openAged("{\"db\": \"one-" + SECRET + "\"}", Duration.ofMinutes(-1));
    Path file = local.file();
    FileTime stamp = Files.getLastModifiedTime(file);
    SecretRecord first = local.fetch("db");

    Files.writeString(file, "{\"db\": \"two-" + SECRET + "\"}"); // same size
    Files.setLastModifiedTime(file, stamp); // a file system with coarse timestamps

    SecretRecord second = provider.fetch("db");
    assertThat(text(second)).isEqualTo("two-" + SECRET);
    assertThat(second.versionId()).isNotEqualTo(first.versionId());
  }

  @Test
  void fetch_oldUnchangedFile_readAndParsedOnce() throws Exception {
    LocalFileProvider local = openAged("{\"db\": \"v\"}", Duration.ofHours(1));

    for (int i = 0; i < 50; i++) {
      local.fetch("db");
    }

    assertThat(local.readCount()).isEqualTo(1);
    assertThat(local.parseCount()).isEqualTo(1);
  }

  @Test
  void fetch_recentlyModifiedUnchangedFile_rereadButNotReparsed() throws Exception {
    LocalFileProvider local = openAged("{\"db\": \"v\"}", Duration.ofMinutes(-1));

    local.fetch("db");
    local.fetch("db");

    assertThat(local.readCount()).isEqualTo(3);
    assertThat(local.parseCount()).isEqualTo(1);
  }

  @Test
  void fetch_oldFileThenEdited_seesEditAndParsesAgain() throws Exception {
    LocalFileProvider local = openAged("{\"db\": \"v1\"}", Duration.ofHours(1));
    local.fetch("db");

    Files.writeString(local.file(), "{\"db\": \"v2\", \"api\": \"k\"}");

    assertThat(text(local.fetch("db"))).isEqualTo("v2");
    assertThat(text(local.fetch("api"))).isEqualTo("k");
    assertThat(local.parseCount()).isEqualTo(2);
  }

  @Test
  void put_existingFile_preservesOtherEntriesAndLeavesNoTempFile() throws Exception {
    Path file = write("{\"a\": \"keep\", \"db\": \"old\", \"obj\": {\"user\": \"u\"}, \"w\": {\"value\": \"x\", \"version\": \"v9\"}}");
    open(file);

    SecretRecord written = provider.put("db", ("new-" + SECRET).getBytes(StandardCharsets.UTF_8));

    JsonNode root = JSON.readTree(file.toFile());
    assertThat(root.get("a").asText()).isEqualTo("keep");
    assertThat(root.get("db").asText()).isEqualTo("new-" + SECRET);
    assertThat(root.get("obj").get("user").asText()).isEqualTo("u");
    assertThat(root.get("w").get("version").asText()).isEqualTo("v9");
    assertThat(written.versionId()).isEqualTo(provider.fetch("db").versionId());
    assertThat(text(provider.fetch("db"))).isEqualTo("new-" + SECRET);
    try (var files = Files.list(dir)) {
      // the lock file beside it stays (deleting it would race with another writer taking it)
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("dev-secrets.json", "dev-secrets.json.lock");
    }
  }

  @Test
  void put_newName_appended() throws Exception {
    Path file = write("{\"a\": \"1\"}");

    open(file).put("b", "2".getBytes(StandardCharsets.UTF_8));

    assertThat(JSON.readTree(file.toFile()).fieldNames()).toIterable().containsExactly("a", "b");
  }

  @Test
  void put_entryWithIntegerVersion_incrementsVersion() throws Exception {
    Path file = write("{\"n\": {\"value\": \"a\", \"version\": 3}, \"t\": {\"value\": \"a\", \"version\": \"41\"}}");
    open(file);

    assertThat(provider.put("n", "b".getBytes(StandardCharsets.UTF_8)).versionId()).isEqualTo("4");
    assertThat(provider.put("t", "b".getBytes(StandardCharsets.UTF_8)).versionId()).isEqualTo("42");
    JsonNode root = JSON.readTree(file.toFile());
    assertThat(root.get("n").get("version").isInt()).isTrue();
    assertThat(root.get("t").get("version").isTextual()).isTrue();
    assertThat(provider.fetch("n").versionId()).isEqualTo("4");
  }

  @Test
  void put_binaryValue_writtenAsBase64AndRoundTrips() throws Exception {
    Path file = write("{}");
    byte[] binary = {0, (byte) 0xff, (byte) 0xfe, 10};

    open(file).put("bin", binary);

    assertThat(JSON.readTree(file.toFile()).get("bin").get("base64").asText()).isEqualTo("AP/+Cg==");
    assertThat(provider.fetch("bin").value()).containsExactly(binary);
  }

  @Test
  void put_posixFile_keepsPermissions() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX file system");
    Path file = write("{}");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    open(file).put("db", "v".getBytes(StandardCharsets.UTF_8));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void put_throughSymlink_updatesTargetAndKeepsLink() throws Exception {
    Path target = dir.resolve("real.json");
    Files.writeString(target, "{\"a\": \"1\"}");
    Path link = dir.resolve("link.json");
    try {
      Files.createSymbolicLink(link, target);
    } catch (UnsupportedOperationException | java.io.IOException e) {
      assumeTrue(false, "symbolic links not available");
    }

    open(link).put("b", "2".getBytes(StandardCharsets.UTF_8));

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(JSON.readTree(target.toFile()).get("b").asText()).isEqualTo("2");
  }

  @Test
  void put_whileAnotherReaderParsesFile_readerNeverSeesPartialFile() throws Exception {
    Path file = write("{\"db\": \"0\", \"padding\": \"" + "x".repeat(4096) + "\"}");
    open(file);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> readerFailure = new AtomicReference<>();
    List<Integer> reads = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      int n = 0;
      while (!done.get()) {
        try {
          JsonNode root = JSON.readTree(Files.readAllBytes(file));
          if (root == null || root.get("padding") == null) {
            throw new AssertionError("partial file");
          }
          n++;
        } catch (Throwable t) {
          readerFailure.compareAndSet(null, t);
        }
      }
      reads.add(n);
    });
    reader.start();

    for (int i = 1; i <= 100; i++) {
      provider.put("db", Integer.toString(i).repeat(i).getBytes(StandardCharsets.UTF_8));
    }
    done.set(true);
    reader.join();

    assertThat(readerFailure.get()).isNull();
    assertThat(reads.get(0)).isPositive();
    assertThat(text(provider.fetch("db"))).isEqualTo("100".repeat(100));
  }

  @Test
  void create_malformedJson_configurationErrorWithLineAndColumnNoValue() throws Exception {
    Path file = write("{\n  \"db\": \"ok\",\n  \"api\": " + SECRET + "\n}");

    Throwable t = catchThrowable(() -> open(file));

    assertThat(t).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("line 3, column");
    for (Throwable c = t; c != null; c = c.getCause()) {
      assertThat(String.valueOf(c.getMessage())).doesNotContain(SECRET).doesNotContain("s3cret");
    }
  }

  @Test
  void fetch_fileBrokenAfterStart_unavailableWithLineNoValue() throws Exception {
    Path file = write("{\"db\": \"ok\"}");
    open(file).fetch("db");

    Files.writeString(file, "{\"db\": \"" + SECRET + "\",\n oops " + SECRET + "}");

    Throwable t = catchThrowable(() -> provider.fetch("db"));
    assertThat(t).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("line 2");
    assertThat(t.getMessage()).doesNotContain(SECRET);
    assertThat(t.getCause()).isNull();
  }

  @Test
  void create_duplicateKey_namesIt() throws Exception {
    Path file = write("{\"db\": \"a\", \"db\": \"b\"}");

    assertThatThrownBy(() -> open(file)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("Duplicate field 'db'");
  }

  @Test
  void create_notAnObjectOrEmpty_configurationError() throws Exception {
    assertThatThrownBy(() -> open(write("[\"a\"]"))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("array");
    assertThatThrownBy(() -> open(write("  "))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void create_badWrapperFields_namesSecretAndField() throws Exception {
    assertThatThrownBy(() -> open(write("{\"k\": {\"base64\": \"***\"}}")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'k'").hasMessageContaining("base64");
    assertThatThrownBy(() -> open(write("{\"k\": {\"value\": \"x\", \"enabled\": \"no\"}}")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("enabled");
    assertThatThrownBy(() -> open(write("{\"k\": {\"value\": \"x\", \"version\": 1.5}}")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("version");
  }

  @Test
  void create_missingFile_configurationErrorSayingHowToCreate() {
    Path file = dir.resolve("absent.json");

    assertThatThrownBy(() -> open(file)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("does not exist")
        .hasMessageContaining("?create=true");
  }

  @Test
  void create_missingFileWithCreate_createsEmptyObject() throws Exception {
    Path file = dir.resolve("sub/new.json");

    provider = new LocalFileProviderFactory().create(ProviderUri.parse("local://" + file + "?create=true"));

    assertThat(Files.readString(file).strip()).isEqualTo("{}");
    assertThatThrownBy(() -> provider.fetch("db")).isInstanceOf(SecretNotFoundException.class);
    provider.put("db", "v".getBytes(StandardCharsets.UTF_8));
    assertThat(text(provider.fetch("db"))).isEqualTo("v");
  }

  @Test
  void create_production_refusesSayingWhy() throws Exception {
    Path file = write("{}");
    for (String env : List.of("prod", "PRODUCTION")) {
      assertThatThrownBy(() -> open(file, Map.of("secrets.env", env)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("refuses to start with secrets.env=" + env.toLowerCase())
          .hasMessageContaining("aws://");
    }
    open(file, Map.of("secrets.env", "dev")).close();
  }

  @Test
  void create_unknownOrBadQueryParameter_rejected() throws Exception {
    Path file = write("{}");
    LocalFileProviderFactory factory = new LocalFileProviderFactory();

    assertThatThrownBy(() -> factory.create(ProviderUri.parse("local://" + file + "?creat=true")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'creat'").hasMessageContaining("'create'");
    assertThatThrownBy(() -> factory.create(ProviderUri.parse("local://" + file + "?create=maybe")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("true or false");
  }

  @Test
  void create_directoryOrNoPath_rejected() {
    LocalFileProviderFactory factory = new LocalFileProviderFactory();

    assertThatThrownBy(() -> factory.create(ProviderUri.parse("local://" + dir)))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("directory");
    assertThatThrownBy(() -> factory.create(ProviderUri.parse("local://")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("names no file");
  }

  @Test
  void path_forms_absoluteRelativeAndWindowsDrive() {
    Path cwd = Path.of("").toAbsolutePath();

    assertThat(LocalFileProviderFactory.path(ProviderUri.parse("local:///tmp/x.json"))).isEqualTo(Path.of("/tmp/x.json"));
    assertThat(LocalFileProviderFactory.path(ProviderUri.parse("local://dev.json"))).isEqualTo(cwd.resolve("dev.json"));
    assertThat(LocalFileProviderFactory.path(ProviderUri.parse("local://target/demo/x.json")))
        .isEqualTo(cwd.resolve("target/demo/x.json"));
    assertThat(LocalFileProviderFactory.path(ProviderUri.parse("local://./my_dir/x.json")))
        .isEqualTo(cwd.resolve("my_dir/x.json"));
  }

  @Test
  void fetch_fileDeletedAfterStart_unavailableNamingFile() throws Exception {
    Path file = write("{\"db\": \"v\"}");
    open(file).fetch("db");

    Files.delete(file);

    assertThatThrownBy(() -> provider.fetch("db")).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("does not exist");
  }

  @Test
  void fetch_unreadableFile_accessDenied() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX file system");
    Path file = write("{\"db\": \"v\"}");
    open(file).fetch("db");
    Files.writeString(file, "{\"db\": \"w\"}");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    assumeTrue(!Files.isReadable(file), "running as a user who can read any file (root)");

    assertThatThrownBy(() -> provider.fetch("db")).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("'db'").hasMessageContaining("chmod");
  }

  @Test
  void serviceLoader_findsLocalScheme() {
    assertThat(ServiceLoader.load(SecretProviderFactory.class).stream().map(p -> p.get().scheme()))
        .contains("local");
  }

  @Test
  void client_fileEditedThenRefreshed_listenerSeesNewVersion() throws Exception {
    Path file = write("{\"db\": \"v1\"}");
    List<String> seen = new CopyOnWriteArrayList<>();
    try (SecretsClient client = SecretsClient.builder().ambientConfiguration(false)
        .property("secrets.provider", "local://" + file).executor(Runnable::run).build()) {
      assertThat(client.get("db")).isEqualTo("v1");
      client.onRotate("db", v -> seen.add(v.asString()));

      Files.writeString(file, "{\"db\": \"v2\"}");
      client.refresh("db");

      assertThat(client.get("db")).isEqualTo("v2");
      assertThat(seen).containsExactly("v2");
    }
  }
}
