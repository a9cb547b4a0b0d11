package io.secretsbroker.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.testkit.HeapScan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CRaC / SnapStart checkpoint driven through {@code org.crac} (testkit's simulated runtime) on
 * {@code local://}: between {@code beforeCheckpoint} and {@code afterRestore} a heap dump holds no
 * copy of the secret (the cache and the provider's parsed file are zeroed and dropped), and reads
 * work again after restore. The value is random and only a digest of it stays in the test.
 */
class LocalCheckpointTest {
  @TempDir Path dir;

  @AfterEach
  void resetRuntime() {
    io.secretsbroker.testkit.crac.Core.whileCheckpointed(() -> {});
  }

  @Test
  void checkpoint_leavesNoValueInTheHeap_andReadsWorkAfterRestore() throws Exception {
    assumeTrue(io.secretsbroker.testkit.crac.Core.isActive(), "the simulated CRaC runtime is not enabled"
        + " (-Dorg.crac.Core.Compat=io.secretsbroker.testkit.crac, set by the parent pom's surefire)");
    byte[] raw = new byte[16];
    new SecureRandom().nextBytes(raw);
    byte[] value = ("ckpt-" + HexFormat.of().formatHex(raw)).getBytes(StandardCharsets.US_ASCII);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(value);
    byte[] json = new byte[value.length + 10];
    byte[] head = "{\"db\": \"".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(head, 0, json, 0, head.length);
    System.arraycopy(value, 0, json, head.length, value.length);
    json[head.length + value.length] = '"';
    json[head.length + value.length + 1] = '}';
    Path file = dir.resolve("dev-secrets.json");
    Files.write(file, Arrays.copyOf(json, head.length + value.length + 2));
    Arrays.fill(json, (byte) 0);
    HeapScan.Needle needle = HeapScan.needle("the secret", value); // zeroes value

    LocalFileProvider provider = (LocalFileProvider) new LocalFileProviderFactory()
        .create(ProviderUri.parse("local://" + file.toUri().getPath()));
    AtomicBoolean heldWhileCheckpointed = new AtomicBoolean(true);
    AtomicReference<List<String>> foundWhileCheckpointed = new AtomicReference<>();
    try (SecretsClient client = SecretsClient.builder().provider(provider).ambientConfiguration(false)
        .properties(Map.of("secrets.audit", "off")).build()) {
      assertThat(readDigest(client)).isEqualTo(digest);
      List<String> before = HeapScan.found(needle);
      assertThat(before).as("the scan finds the value while it is cached (the check can fail)").isNotEmpty();

      io.secretsbroker.testkit.crac.Core.whileCheckpointed(() -> {
        heldWhileCheckpointed.set(provider.holdsValues());
        foundWhileCheckpointed.set(HeapScan.found(needle));
      });
      org.crac.Core.checkpointRestore();

      assertThat(heldWhileCheckpointed).as("the parsed file was dropped").isFalse();
      assertThat(foundWhileCheckpointed.get()).as("copies of the secret in the heap at checkpoint").isEmpty();
      assertThat(readDigest(client)).as("reads work after restore").isEqualTo(digest);
    }
  }

  /** Reads the value and keeps only its digest (the copy handed out is zeroed). */
  private static byte[] readDigest(SecretsClient client) throws Exception {
    byte[] bytes = client.value("db").asBytes();
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  @Test
  void beforeCheckpoint_thenRead_parsesTheFileAgain() throws Exception {
    Path file = dir.resolve("s.json");
    Files.writeString(file, "{\"db\": \"dev-value-1\"}");
    LocalFileProvider provider = (LocalFileProvider) new LocalFileProviderFactory()
        .create(ProviderUri.parse("local://" + file.toUri().getPath()));
    List<String> versions = new ArrayList<>();
    versions.add(provider.fetch("db").versionId());
    long parses = provider.parseCount();

    provider.beforeCheckpoint();

    assertThat(provider.holdsValues()).isFalse();
    assertThat(new String(provider.fetch("db").value(), StandardCharsets.UTF_8)).isEqualTo("dev-value-1");
    assertThat(provider.parseCount()).isEqualTo(parses + 1);
    provider.close();
  }
}
