package io.secretsbroker.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secretsbroker.spring.internal.SpringSettings;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** spring-configuration-metadata.json describes every key the client and the starter accept. */
class MetadataTest {
  @Test
  void metadata_listsEveryKnownKey() throws Exception {
    JsonNode root;
    try (InputStream in = MetadataTest.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      root = new ObjectMapper().readTree(in);
    }
    Set<String> documented = new HashSet<>();
    root.get("properties").forEach(p -> documented.add(p.get("name").asText()));
    assertThat(documented).containsAll(SpringSettings.knownKeys()).contains("secrets.alias");
    root.get("properties").forEach(p -> assertThat(p.get("description").asText()).isNotBlank());
  }
}
