package io.secretsbroker.quarkus.internal;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretsClient;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Builds the application's {@link SecretsClient} from the Quarkus configuration when the runtime
 * configuration is built, and contributes the {@link SecretsConfigSource} that resolves
 * {@code ${secrets.<name>}} through it.
 *
 * <p>Every {@code secrets.*} key of the Quarkus configuration (profiles applied) goes to the client
 * as an explicit property, so the API's check applies: an unknown key throws
 * {@link ConfigurationException} naming the nearest valid key, and start-up fails. Without
 * {@code secrets.provider} no client is built and no source is added (the extension stays inert
 * until configured; injecting {@code SecretsClient} then fails with a message saying what to set).
 *
 * <p>The few keys the extension needs itself ({@code secrets.provider}, {@code secrets.names},
 * {@code secrets.allow}) are read straight from the context: this factory runs while the runtime
 * configuration is being built, before any mapping exists (placeholders in other configuration
 * must already resolve). The same keys are also the run-time mapping
 * {@code io.secretsbroker.quarkus.SecretsBrokerConfig}, generated at build time, which the beans use.
 * Stateless; called by SmallRye Config on the thread building the configuration.
 */
public final class SecretsConfigSourceFactory implements ConfigSourceFactory {
  /** The extension's own key: it selects the placeholder names and is not given to the client. */
  static final String NAMES = "secrets.names";

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    if (value(context, "secrets.provider") == null) {
      ClientHolder.notConfigured(new ConfigurationException("No SecretsClient: secrets.provider is not set in the"
          + " Quarkus configuration. Set it in application.properties (for example"
          + " secrets.provider=aws://?region=eu-west-1, or memory:// in tests)."));
      return List.of();
    }
    SecretsClient client = ClientHolder.current();
    if (client == null) {
      client = ClientHolder.install(SecretsClient.builder().properties(secretsKeys(context)).build());
    }
    String names = value(context, NAMES);
    if (names == null) {
      names = value(context, "secrets.allow");
    }
    return List.of(new SecretsConfigSource(client, names == null ? List.of() : list(names)));
  }

  @Override
  public OptionalInt getPriority() {
    return OptionalInt.of(SecretsConfigSource.ORDINAL);
  }

  private static String value(ConfigSourceContext context, String key) {
    ConfigValue v = context.getValue(key);
    return v == null || v.getValue() == null || v.getValue().isBlank() ? null : v.getValue();
  }

  private static List<String> list(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** Every {@code secrets.*} key with its effective value, profile prefixes resolved. */
  static Map<String, String> secretsKeys(ConfigSourceContext context) {
    Map<String, String> keys = new TreeMap<>();
    for (Iterator<String> it = context.iterateNames(); it.hasNext();) {
      String name = it.next();
      if (name.startsWith("%")) {
        int dot = name.indexOf('.');
        name = dot < 0 ? "" : name.substring(dot + 1);
      }
      if (!name.startsWith(SecretsConfigSource.PREFIX) || name.equals(NAMES) || keys.containsKey(name)) {
        continue;
      }
      ConfigValue value = context.getValue(name);
      if (value != null && value.getValue() != null) {
        keys.put(name, value.getValue());
      }
    }
    return keys;
  }
}
