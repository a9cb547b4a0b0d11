package io.secretsbroker;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The compiled module-info: only the API and SPI packages (and the two moving out) are exported. */
class ModuleDescriptorTest {

  private static ModuleDescriptor descriptor() throws Exception {
    Path classes = Path.of(SecretsClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleReference ref = ModuleFinder.of(classes).find("io.secretsbroker").orElseThrow();
    return ref.descriptor();
  }

  @Test
  void exports_onlyApiSpiAndTheModulesMovingOut_noInternalPackage() throws Exception {
    ModuleDescriptor d = descriptor();
    Set<String> unqualified = d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet());

    assertThat(unqualified).containsExactlyInAnyOrder("io.secretsbroker", "io.secretsbroker.spi");
    assertThat(d.exports()).noneMatch(e -> e.source().contains(".internal") && !e.isQualified());
    assertThat(d.packages()).contains("io.secretsbroker.internal.client", "io.secretsbroker.internal.cache",
        "io.secretsbroker.internal.observe", "io.secretsbroker.internal.resilience",
        "io.secretsbroker.internal.snapshot");
    assertThat(d.opens()).isEmpty();
  }

  @Test
  void provides_theClientFactoryTheApiLooksUp() throws Exception {
    ModuleDescriptor d = descriptor();
    assertThat(d.uses()).contains("io.secretsbroker.spi.SecretsClientFactory", "io.secretsbroker.spi.SecretProviderFactory",
        "io.secretsbroker.spi.AuditSink");
    assertThat(d.provides()).anySatisfy(p -> {
      assertThat(p.service()).isEqualTo("io.secretsbroker.spi.SecretsClientFactory");
      assertThat(p.providers()).containsExactly("io.secretsbroker.internal.client.ClientFactory");
    });
  }
}
