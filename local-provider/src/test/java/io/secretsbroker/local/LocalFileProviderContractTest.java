package io.secretsbroker.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.testkit.ProviderContractTest;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import io.secretsbroker.spi.Utf8;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.ServiceLoader;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code local://} provider passes the conformance suite. The harness edits
 * the JSON file the way a developer would; the provider is found by scheme through
 * {@link ServiceLoader}, as the client finds it.
 */
class LocalFileProviderContractTest extends ProviderContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path file;
  private int version;

  @Override
  protected SecretProvider createProvider() throws Exception {
    file = dir.resolve("dev-secrets.json");
    Files.writeString(file, "{}\n");
    SecretProviderFactory factory = ServiceLoader.load(SecretProviderFactory.class).stream()
        .map(ServiceLoader.Provider::get).filter(f -> f.scheme().equals("local")).findFirst().orElseThrow();
    return factory.create(ProviderUri.parse("local://" + file.toUri().getPath()));
  }

  @Override
  protected String seed(String name, byte[] value) throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    ObjectNode entry = root.putObject(name);
    String text = Utf8.textOrNull(value);
    if (text != null) {
      entry.put("value", text);
    } else {
      entry.put("base64", Base64.getEncoder().encodeToString(value));
    }
    String id = Integer.toString(++version);
    entry.put("version", id);
    Files.write(file, JSON.writeValueAsBytes(root)); // in place, as an editor saves
    return id;
  }

  @Override
  protected void denyAccess(String name) throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    ((ObjectNode) root.get(name)).put("enabled", false);
    Files.write(file, JSON.writeValueAsBytes(root));
  }

  @Override
  protected boolean supportsVersions() {
    return false;
  }
}
