package io.secretsbroker.vault;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.Suggest;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.Transport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The parsed {@code vault://host:port/mount?...} configuration. Holds no secret: only where Vault
 * is, which KV v2 mount to read, and how to log in. Immutable and thread-safe.
 *
 * <p>Parsing fails with {@link ConfigurationException} on an unknown parameter (naming the nearest
 * valid one), a parameter that does not apply to the chosen {@code auth} method, a missing required
 * parameter, plain http to a non-loopback host, or {@code auth=token-file} in production.
 */
final class VaultSettings {
  static final int DEFAULT_PORT = 8200;
  static final String DEFAULT_MOUNT = "secret";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Parameters every auth method accepts. */
  static final Set<String> COMMON = Set.of("auth", "auth-mount", "namespace", "ca-file", "tls", "timeout", "dynamic");

  /** A login method: its name, default mount under {@code auth/}, and the parameters it takes. */
  enum Method {
    AWS("aws", Set.of("role", "header-value", "sts-region"), Set.of()),
    AZURE("azure", Set.of("role", "resource", "client-id", "subscription-id", "resource-group", "vm-name",
        "vmss-name", "resource-id"), Set.of("role")),
    KUBERNETES("kubernetes", Set.of("role", "token-file"), Set.of("role")),
    JWT("jwt", Set.of("role", "token-file"), Set.of("token-file")),
    APPROLE("approle", Set.of("role-id", "secret-id-file", "wrapped-secret-id-file"), Set.of("role-id")),
    TOKEN_FILE("token-file", Set.of("token-file"), Set.of());

    final String id;
    final Set<String> params;
    final Set<String> required;

    Method(String id, Set<String> params, Set<String> required) {
      this.id = id;
      this.params = params;
      this.required = required;
    }

    static Method of(String id) {
      for (Method m : values()) {
        if (m.id.equals(id)) {
          return m;
        }
      }
      throw new ConfigurationException("secrets.provider has auth=" + id + ", which is not a Vault login method"
          + " Secrets Broker supports. " + Suggest.didYouMean(id, ids()));
    }

    static List<String> ids() {
      return Arrays.stream(values()).map(m -> m.id).toList();
    }
  }

  final URI endpoint;
  final String mount;
  final String namespace;
  final Path caFile;
  final Duration timeout;
  final Method method;
  final String authMount;
  final Map<String, String> auth;
  final List<String> dynamicPrefixes;

  private VaultSettings(URI endpoint, String mount, String namespace, Path caFile, Duration timeout, Method method,
      String authMount, Map<String, String> auth, List<String> dynamicPrefixes) {
    this.endpoint = endpoint;
    this.mount = mount;
    this.namespace = namespace;
    this.caFile = caFile;
    this.timeout = timeout;
    this.method = method;
    this.authMount = authMount;
    this.auth = Map.copyOf(auth);
    this.dynamicPrefixes = List.copyOf(dynamicPrefixes);
  }

  static VaultSettings parse(ProviderUri uri) {
    Set<String> all = new LinkedHashSet<>(COMMON);
    for (Method m : Method.values()) {
      all.addAll(m.params);
    }
    uri.requireOnly(all);
    String authId = uri.param("auth").map(a -> a.trim().toLowerCase(Locale.ROOT)).orElseThrow(() ->
        new ConfigurationException("secrets.provider=" + uri + " has no auth parameter. Vault logs in with the"
            + " platform identity: add auth=aws|azure|kubernetes|jwt|approle (or auth=token-file for local"
            + " development), e.g. vault://vault.internal:8200/secret?auth=aws&role=orders."));
    Method method = Method.of(authId);
    Map<String, String> auth = new LinkedHashMap<>();
    for (Map.Entry<String, String> p : uri.params().entrySet()) {
      if (COMMON.contains(p.getKey())) {
        continue;
      }
      if (!method.params.contains(p.getKey())) {
        throw new ConfigurationException("Parameter '" + p.getKey() + "' in secrets.provider does not apply to auth="
            + method.id + ". auth=" + method.id + " takes: " + String.join(", ", method.params.stream().sorted()
            .toList()) + ".");
      }
      if (p.getValue().isBlank()) {
        throw new ConfigurationException("Parameter '" + p.getKey() + "' in secrets.provider is empty; give it a"
            + " value or remove it.");
      }
      auth.put(p.getKey(), p.getValue().trim());
    }
    for (String r : method.required) {
      if (!auth.containsKey(r)) {
        throw new ConfigurationException("auth=" + method.id + " needs the parameter '" + r + "' in secrets.provider,"
            + " e.g. " + example(method) + ".");
      }
    }
    if (method == Method.APPROLE && auth.containsKey("secret-id-file") == auth.containsKey("wrapped-secret-id-file")) {
      throw new ConfigurationException("auth=approle needs exactly one of 'secret-id-file' (a file holding the"
          + " SecretID) or 'wrapped-secret-id-file' (a file holding a response-wrapping token for it).");
    }
    if (method == Method.TOKEN_FILE && uri.isProduction()) {
      throw new ConfigurationException("auth=token-file reads a long-lived Vault token from a file and is meant for"
          + " local development, but secrets.env=" + uri.env().orElse("") + " is production. Log in with the"
          + " platform identity instead: auth=aws, azure, kubernetes, jwt or approle.");
    }
    return new VaultSettings(endpoint(uri), mount(uri), uri.param("namespace").filter(n -> !n.isBlank())
        .map(VaultSettings::trimSlashes).orElse(null),
        uri.param("ca-file").filter(f -> !f.isBlank()).map(Path::of).orElse(null),
        uri.param("timeout").map(VaultSettings::timeout).orElseGet(uri::callTimeout), method,
        uri.param("auth-mount").map(VaultSettings::trimSlashes).filter(m -> !m.isEmpty()).orElse(method.id),
        auth, dynamic(uri.param("dynamic").orElse("")));
  }

  private static String example(Method m) {
    return switch (m) {
      case AZURE -> "vault://vault.internal:8200/secret?auth=azure&role=orders";
      case KUBERNETES -> "vault://vault.internal:8200/secret?auth=kubernetes&role=orders";
      case JWT -> "vault://vault.internal:8200/secret?auth=jwt&role=orders&token-file=/var/run/secrets/oidc/token";
      case APPROLE -> "vault://vault.internal:8200/secret?auth=approle&role-id=...&secret-id-file=/run/secret-id";
      default -> "vault://vault.internal:8200/secret?auth=" + m.id;
    };
  }

  private static URI endpoint(ProviderUri uri) {
    String host = uri.host().orElseThrow(() -> new ConfigurationException("secrets.provider=" + uri
        + " has no host. Expected vault://vault.internal:8200/secret?auth=..."));
    boolean plain = uri.scheme().equals("vault+http");
    String tls = uri.param("tls").map(t -> t.trim().toLowerCase(Locale.ROOT)).orElse("true");
    if (tls.equals("false")) {
      plain = true;
    } else if (!tls.equals("true")) {
      throw new ConfigurationException("Parameter 'tls' in secrets.provider must be true or false, was '" + tls + "'.");
    }
    int port = uri.port() < 0 ? DEFAULT_PORT : uri.port();
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return Transport.requireSecure((plain ? "http" : "https") + "://" + h + ":" + port, "secrets.provider");
  }

  private static String mount(ProviderUri uri) {
    String m = trimSlashes(uri.path());
    if (m.isEmpty()) {
      return DEFAULT_MOUNT;
    }
    for (String seg : m.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        throw new ConfigurationException("The KV mount '" + m + "' in secrets.provider is not a clean path;"
            + " give it as vault://host:8200/secret or vault://host:8200/team/kv.");
      }
    }
    return m;
  }

  private static List<String> dynamic(String value) {
    List<String> out = new ArrayList<>();
    for (String p : value.split(",")) {
      String prefix = trimSlashes(p.trim());
      if (!prefix.isEmpty()) {
        out.add(prefix);
      }
    }
    return out;
  }

  static Duration timeout(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_TIMEOUT;
    }
    String v = value.trim();
    Duration d;
    try {
      d = v.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new ConfigurationException("Parameter 'timeout' in secrets.provider must be whole seconds (10) or an"
          + " ISO-8601 duration (PT10S), was '" + v + "'.", e);
    }
    if (d.isNegative() || d.isZero()) {
      throw new ConfigurationException("Parameter 'timeout' in secrets.provider must be positive, was '" + v + "'.");
    }
    return d;
  }

  private static String trimSlashes(String s) {
    String t = s == null ? "" : s.trim();
    while (t.startsWith("/")) {
      t = t.substring(1);
    }
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    return t;
  }

  Optional<String> auth(String key) {
    return Optional.ofNullable(auth.get(key));
  }

  /** Whether {@code name} is read as a dynamic secret ({@code GET /v1/<name>}) rather than from KV. */
  boolean isDynamic(String name) {
    for (String p : dynamicPrefixes) {
      if (name.startsWith(p + "/")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "VaultSettings[" + endpoint + ", mount=" + mount + (namespace == null ? "" : ", namespace=" + namespace)
        + ", auth=" + method.id + ", dynamic=" + dynamicPrefixes.stream().collect(Collectors.joining(",")) + "]";
  }
}
