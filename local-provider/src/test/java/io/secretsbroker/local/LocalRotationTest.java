package io.secretsbroker.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secretsbroker.Rotation;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the conformance suite cannot see of local:// rotation: the file itself, and other processes. */
class LocalRotationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OLD = "old-local-value-4d2a"; // secrets-guard:allow test fixture

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private Path write(String json) throws Exception {
    Path file = dir.resolve("dev-secrets.json");
    Files.writeString(file, json);
    return file;
  }

  private SecretProvider provider(Path file) {
    SecretProvider p = new LocalFileProviderFactory().create(ProviderUri.parse("local://" + file.toUri().getPath()));
    open.add(p);
    return p;
  }

  private SecretsClient client(Path file, String... props) {
    SecretsClient.Builder b = SecretsClient.builder().provider(provider(file)).ambientConfiguration(false)
        .executor(Runnable::run);
    for (int i = 0; i < props.length; i += 2) {
      b.property(props[i], props[i + 1]);
    }
    SecretsClient c = b.build();
    open.add(c);
    return c;
  }

  @Test
  void rotate_failedVerify_fileByteIdentical() throws Exception {
    String handWritten = "{\n    \"db\":   \"" + OLD + "\",\n\t\"other\" : {\"value\": \"x\", \"version\": 3}\n}\n";
    Path file = write(handWritten);
    byte[] before = Files.readAllBytes(file);
    SecretsClient c = client(file);
    List<String> duringVerify = new ArrayList<>();

    assertThatThrownBy(() -> c.rotate("db", Rotation.builder().verify(v -> {
      duringVerify.add(Files.readString(file));
      throw new IllegalStateException("refused");
    }).build())).isInstanceOf(RotationFailedException.class);

    assertThat(duringVerify.get(0)).as("the candidate was pending in the file").contains("$pending:db");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void rotate_promoted_randomVersionPreviousKeptInFile() throws Exception {
    Path file = write("{\"db\": \"" + OLD + "\"}");
    SecretsClient c = client(file);
    String v1 = c.value("db").versionId();

    SecretValue rotated = c.rotate("db", Rotation.defaults());

    JsonNode entry = JSON.readTree(file.toFile()).get("db");
    assertThat(entry.get("value").asText()).isEqualTo(rotated.asString());
    assertThat(entry.get("version").asText()).isEqualTo(rotated.versionId()).matches("[0-9a-f]{32}");
    assertThat(entry.get("previous").get("value").asText()).isEqualTo(OLD);
    assertThat(entry.get("previous").get("version").asText()).isEqualTo(v1);
    assertThat(JSON.readTree(file.toFile()).has("$pending:db")).isFalse();
    assertThat(c.value("db", VersionStage.PREVIOUS).asString()).isEqualTo(OLD);
    assertThat(provider(file).fetchVersion("db", v1).value()).isEqualTo(OLD.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void rotate_aliasField_fileKeepsAJsonObject() throws Exception {
    Path file = write("{\"orders/db\": {\"user\": \"app\", \"password\": \"" + OLD + "\", \"port\": 5432}}");
    SecretsClient c = client(file, "secrets.alias.db", "orders/db#password");

    c.rotate("db", Rotation.builder().generator(v -> "fresh-password-123").build());

    JsonNode entry = JSON.readTree(file.toFile()).get("orders/db");
    assertThat(entry.get("value").isObject()).as("an object, not an escaped string").isTrue();
    assertThat(entry.get("value").get("password").asText()).isEqualTo("fresh-password-123");
    assertThat(entry.get("value").get("port").asInt()).isEqualTo(5432);
    assertThat(entry.get("previous").get("value").isObject()).isTrue();
    assertThat(c.get("db")).isEqualTo("fresh-password-123");
  }

  @Test
  void rotate_missingName_notFoundAndFileUnchanged() throws Exception {
    Path file = write("{\"db\": \"" + OLD + "\"}");
    byte[] before = Files.readAllBytes(file);

    assertThatThrownBy(() -> client(file).rotate("nope", Rotation.defaults()))
        .isInstanceOf(SecretNotFoundException.class);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void stage_twoProviderInstances_staleExpectedVersionConflicts() throws Exception {
    Path file = write("{\"db\": {\"value\": \"" + OLD + "\", \"version\": \"v1\"}}");
    SecretProvider a = provider(file);
    SecretProvider b = provider(file);
    SecretRecord pending = a.stage("db", "v1", "a-candidate-value".getBytes(StandardCharsets.UTF_8));
    a.promote("db", pending.versionId(), "v1");

    assertThatThrownBy(() -> b.stage("db", "v1", "b-candidate-value".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(RotationConflictException.class).hasMessageContaining(pending.versionId());
  }

  @Test
  void rotate_twoClientsTwoSecretsOneFile_concurrently_noWriteLost() throws Exception {
    Path file = write("{\"a\": \"a-start-value\", \"b\": \"b-start-value\"}");
    SecretsClient ca = client(file);
    SecretsClient cb = client(file);
    int rounds = 30;
    CyclicBarrier step = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<List<String>> fa = pool.submit(() -> rotateMany(ca, "a", rounds, step));
      Future<List<String>> fb = pool.submit(() -> rotateMany(cb, "b", rounds, step));
      List<String> va = fa.get(120, TimeUnit.SECONDS);
      List<String> vb = fb.get(120, TimeUnit.SECONDS);
      JsonNode root = JSON.readTree(file.toFile());
      assertThat(root.get("a").get("value").asText()).isEqualTo(va.get(rounds - 1));
      assertThat(root.get("b").get("value").asText()).isEqualTo(vb.get(rounds - 1));
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> rotateMany(SecretsClient c, String name, int rounds, CyclicBarrier step)
      throws Exception {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      step.await(30, TimeUnit.SECONDS); // both rotations of a round start together
      values.add(c.rotate(name, Rotation.defaults()).asString());
    }
    return values;
  }

  @Test
  void rotate_childJvmKilledBetweenStageAndPromote_pendingReadable_nextRotateResumes() throws Exception {
    Path file = write("{\"db\": \"" + OLD + "\"}");
    Process child = new ProcessBuilder(javaBinary(), "-cp", testClassPath(), RotateAndHang.class.getName(),
        file.toString()).redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals(RotateAndHang.STAGED)) {
        // start-up output of the child
      }
      assertThat(line).as("the child reached verify").isEqualTo(RotateAndHang.STAGED);
      child.destroyForcibly(); // SIGKILL on Linux: no finally block, no shutdown hook runs
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }

    SecretsClient next = client(file);
    assertThat(next.get("db")).isEqualTo(OLD);
    String pending = next.value("db", VersionStage.PENDING).asString();
    assertThat(pending).isNotEqualTo(OLD).hasSize(Rotation.DEFAULT_LENGTH);
    JSON.readTree(file.toFile()); // not corrupt

    SecretValue resumed = next.rotate("db", Rotation.defaults());

    assertThat(resumed.asString()).isEqualTo(pending);
    assertThat(JSON.readTree(file.toFile()).get("db").get("value").asText()).isEqualTo(pending);
    assertThatThrownBy(() -> next.value("db", VersionStage.PENDING)).isInstanceOf(SecretNotFoundException.class);
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The test class path (surefire passes it in a property; the forked JVM's own may be a manifest jar). */
  static String testClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  /** Child JVM: rotates {@code db} and hangs in verify after printing {@link #STAGED}. */
  public static final class RotateAndHang {
    static final String STAGED = "STAGED";

    public static void main(String[] args) throws Exception {
      Path file = Path.of(args[0]);
      SecretsClient c = SecretsClient.builder().ambientConfiguration(false)
          .properties(Map.of("secrets.provider", "local://" + file.toUri().getPath())).build();
      c.rotate("db", Rotation.builder().verify(v -> {
        System.out.println(STAGED);
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await(); // until killed
      }).build());
    }
  }
}
