package io.secretsbroker.spi;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.Suggest;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed {@code secrets.provider} value: {@code scheme://authority/path?query}, for example
 * {@code aws://?region=eu-west-1}, {@code azure://my-vault.vault.azure.net},
 * {@code vault://vault.internal:8200/secret?auth=aws&role=orders}, {@code local:///tmp/dev.json}.
 *
 * <p>It also carries the client's other (non-secret) settings, so a factory can see
 * {@code secrets.env}. Credentials never ride in a provider URI: a user-info part
 * ({@code user:pass@host}) is refused at parse time, and so is a query parameter whose name says it
 * carries one ({@code password}, {@code secret}, {@code token}, {@code client-secret},
 * {@code access-key}, ...; see {@link #isCredentialParameter}); a parameter that names a file
 * holding one ({@code token-file}, {@code secret-id-file}) is fine. Immutable and thread-safe.
 */
public final class ProviderUri {
  /** Parameter names (lower case, without '-', '_' and '.') that carry a credential when contained. */
  private static final List<String> CREDENTIAL_WORDS = List.of("password", "passwd", "secret", "token",
      "accesskey", "secretkey", "apikey", "privatekey", "sessionkey", "accountkey", "sharedkey", "sastoken");
  /** Names that are credentials only when they are the whole name. */
  private static final Set<String> CREDENTIAL_NAMES = Set.of("pwd", "pass", "sig", "key", "auth-token");

  private final String raw;
  private final String scheme;
  private final String host;
  private final int port;
  private final String path;
  private final Map<String, String> params;
  private final Map<String, String> settings;

  private ProviderUri(String raw, String scheme, String host, int port, String path,
      Map<String, String> params, Map<String, String> settings) {
    this.raw = raw;
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.path = path;
    this.params = params;
    this.settings = settings;
  }

  /** Parses a provider URI with no other settings. */
  public static ProviderUri parse(String value) {
    return parse(value, Map.of());
  }

  /**
   * Parses a provider URI.
   *
   * @throws ConfigurationException when it is not of the form {@code scheme://...}, carries a
   *     user-info part, or repeats a query parameter
   */
  public static ProviderUri parse(String value, Map<String, String> settings) {
    if (value == null || value.isBlank()) {
      throw new ConfigurationException(
          "secrets.provider is not set. Set it to a provider URI such as aws://?region=eu-west-1, "
              + "azure://my-vault.vault.azure.net, vault://host:8200/secret or local:///path/dev.json.");
    }
    String trimmed = value.trim();
    URI uri;
    try {
      // "memory://" (scheme and nothing else) is a valid provider URI; java.net.URI wants an authority
      uri = new URI(trimmed.endsWith("://") ? trimmed + "?" : trimmed);
    } catch (URISyntaxException e) {
      throw new ConfigurationException("secrets.provider '" + trimmed + "' is not a valid URI ("
          + e.getReason() + "). Expected scheme://authority/path?query.", e);
    }
    if (uri.getScheme() == null || !trimmed.contains("://")) {
      throw new ConfigurationException("secrets.provider '" + trimmed
          + "' has no scheme. Expected scheme://authority/path?query, for example aws://?region=eu-west-1.");
    }
    if (uri.getRawUserInfo() != null) {
      throw new ConfigurationException("secrets.provider must not carry credentials (found a user-info part"
          + " before '@'). Providers authenticate with the platform identity; remove the credentials from the URI.");
    }
    Map<String, String> params = new LinkedHashMap<>();
    String query = uri.getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = decode(eq < 0 ? pair : pair.substring(0, eq));
        String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (params.putIfAbsent(k, v) != null) {
          throw new ConfigurationException("secrets.provider repeats the query parameter '" + k
              + "'. Give it once.");
        }
        if (isCredentialParameter(k)) {
          throw new ConfigurationException("secrets.provider carries a credential in its query parameter '" + k
              + "'; configuration never holds credentials. Authenticate with the platform identity instead:"
              + " the function's IAM role (aws://), its managed identity (azure://), or a Vault platform login"
              + " (vault://...?auth=aws|azure|kubernetes|jwt&role=...). Where a token must come from disk, name"
              + " the file (token-file=/path), never the token.");
        }
      }
    }
    String host = uri.getHost();
    if (host == null && uri.getRawAuthority() != null) {
      host = uri.getRawAuthority();
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    return new ProviderUri(trimmed, uri.getScheme().toLowerCase(Locale.ROOT), host, uri.getPort(),
        path, Collections.unmodifiableMap(params), Map.copyOf(settings));
  }

  /**
   * Whether a query parameter name says it carries a credential ({@code password},
   * {@code client-secret}, {@code access_key}, {@code token}, {@code sig}, ...). Names ending in
   * {@code file} or {@code path} point at a file holding a credential and are not credentials.
   */
  public static boolean isCredentialParameter(String name) {
    String n = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(".", "");
    if (n.endsWith("file") || n.endsWith("path")) {
      return false;
    }
    if (CREDENTIAL_NAMES.contains(name.toLowerCase(Locale.ROOT)) || CREDENTIAL_NAMES.contains(n)) {
      return true;
    }
    for (String w : CREDENTIAL_WORDS) {
      if (n.contains(w)) {
        return true;
      }
    }
    return false;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  public String scheme() {
    return scheme;
  }

  /** The host, or empty when the URI has no authority ({@code aws://?region=...}). */
  public Optional<String> host() {
    return Optional.ofNullable(host).filter(h -> !h.isEmpty());
  }

  /** The port, or -1. */
  public int port() {
    return port;
  }

  /** The path, decoded; empty when none. */
  public String path() {
    return path;
  }

  /** All query parameters, decoded, in order. */
  public Map<String, String> params() {
    return params;
  }

  public Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name));
  }

  /** A non-secret client setting such as {@code secrets.env}. */
  public Optional<String> setting(String key) {
    return Optional.ofNullable(settings.get(key)).filter(v -> !v.isBlank());
  }

  /**
   * The provider call timeout ({@code secrets.provider.call-timeout}, default 10 s): a driver with
   * its own HTTP client applies it as the request timeout. See {@link CallTimeout}.
   *
   * @throws ConfigurationException when the setting is malformed or out of range
   */
  public java.time.Duration callTimeout() {
    return CallTimeout.from(settings);
  }

  /** The environment name ({@code secrets.env}), lower-cased, or empty. */
  public Optional<String> env() {
    return setting("secrets.env").map(v -> v.trim().toLowerCase(Locale.ROOT));
  }

  /**
   * Whether this is production: {@code secrets.production=true|false} when set, else whether
   * {@code secrets.env} starts with {@code prod}, {@code prd} or {@code live} ({@code prod},
   * {@code production-eu}, {@code prd}, {@code live}...), case-insensitively.
   *
   * @throws ConfigurationException when {@code secrets.production} is neither true nor false
   */
  public boolean isProduction() {
    return isProduction(settings);
  }

  /**
   * The production rule of {@link #isProduction()} over a map of {@code secrets.*} settings, for
   * code that has no provider URI.
   *
   * @throws ConfigurationException when {@code secrets.production} is neither true nor false
   */
  public static boolean isProduction(Map<String, String> settings) {
    String explicit = settings.get("secrets.production");
    if (explicit != null && !explicit.isBlank()) {
      String v = explicit.strip().toLowerCase(Locale.ROOT);
      if (v.equals("true") || v.equals("false")) {
        return v.equals("true");
      }
      throw new ConfigurationException("secrets.production=" + explicit.strip() + " is not a boolean;"
          + " set it to true or false, or leave it unset to derive it from secrets.env (prod*, prd*, live*).");
    }
    String env = settings.get("secrets.env");
    if (env == null || env.isBlank()) {
      return false;
    }
    String e = env.strip().toLowerCase(Locale.ROOT);
    return e.startsWith("prod") || e.startsWith("prd") || e.startsWith("live");
  }

  /**
   * Rejects any query parameter not in {@code allowed}, naming the nearest valid one.
   *
   * @throws ConfigurationException on the first unknown parameter
   */
  public ProviderUri requireOnly(Set<String> allowed) {
    for (String k : params.keySet()) {
      if (!allowed.contains(k) && allowed.isEmpty()) {
        throw new ConfigurationException("Unknown query parameter '" + k + "' in secrets.provider: scheme '"
            + scheme + "' takes no query parameters. Remove everything from '?' on.");
      }
      if (!allowed.contains(k)) {
        throw new ConfigurationException("Unknown query parameter '" + k + "' in secrets.provider for scheme '"
            + scheme + "'. " + Suggest.didYouMean(k, allowed));
      }
    }
    return this;
  }

  /** The URI as configured (it never holds credentials). */
  @Override
  public String toString() {
    return raw;
  }
}
