package io.secretsbroker.azure;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.Transport;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of one {@code azure://} provider, parsed and checked from its URI. Immutable.
 *
 * @param vaultUrl where requests go: {@code https://my-vault.vault.azure.net} or the endpoint override
 * @param label the vault's short name for messages and {@link KeyVaultSecretProvider#id()}
 * @param credential which identity signs requests
 * @param clientId a user-assigned identity's client id, or null for the system-assigned one
 * @param timeout how long one HTTP exchange may take
 * @param verifyChallengeResource whether the bearer challenge's resource must match the vault's
 *     domain (off only for a loopback emulator endpoint)
 */
record KeyVaultConfig(
    String vaultUrl,
    String label,
    CredentialKind credential,
    String clientId,
    Duration timeout,
    boolean verifyChallengeResource) {

  static final String CREDENTIAL = "credential";
  static final String CLIENT_ID = "client-id";
  static final String ENDPOINT = "endpoint";
  static final String TIMEOUT = "timeout";
  static final Set<String> PARAMS = Set.of(CREDENTIAL, CLIENT_ID, ENDPOINT, TIMEOUT);

  /** The DNS suffixes of Key Vault in the public and sovereign clouds. */
  static final List<String> VAULT_SUFFIXES = List.of(
      "vault.azure.net", "vault.azure.cn", "vault.usgovcloudapi.net", "vault.microsoftazure.de");

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final Pattern VAULT_HOST = Pattern.compile(
      "([0-9a-z-]{3,24})\\.(vault\\.azure\\.net|vault\\.azure\\.cn|vault\\.usgovcloudapi\\.net|vault\\.microsoftazure\\.de)");
  private static final Pattern GUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  /** Parameter names that would carry a credential: refused with a message of their own. */
  private static final Pattern SECRET_LIKE = Pattern.compile(
      ".*(secret|password|passwd|certificate|cert-|token|key).*", Pattern.CASE_INSENSITIVE);

  /** The identities a provider can sign requests with. No kind reads a client secret. */
  enum CredentialKind {
    MANAGED_IDENTITY("managed-identity"),
    WORKLOAD_IDENTITY("workload-identity"),
    DEFAULT("default"),
    CLI("cli"),
    /** A fixed placeholder token, for an emulator on a loopback endpoint (Lowkey Vault accepts any). */
    EMULATOR("emulator");

    final String setting;

    CredentialKind(String setting) {
      this.setting = setting;
    }

    static CredentialKind parse(String value) {
      for (CredentialKind k : values()) {
        if (k.setting.equalsIgnoreCase(value.trim())) {
          return k;
        }
      }
      throw new ConfigurationException("credential=" + value + " in secrets.provider is not known. Use one of"
          + " managed-identity (the default: the function's managed identity), workload-identity (AKS),"
          + " default (workload identity, managed identity, then Azure CLI and Azure Developer CLI sign-ins)"
          + " or cli (the 'az login' user, for development), or emulator (a placeholder token, only with an"
          + " endpoint on localhost). Client secrets are never accepted.");
    }
  }

  /**
   * Parses {@code azure://my-vault.vault.azure.net?credential=...&client-id=...&endpoint=...&timeout=...}.
   *
   * @throws ConfigurationException naming the setting at fault
   */
  static KeyVaultConfig from(ProviderUri uri) {
    for (String key : uri.params().keySet()) {
      if (!PARAMS.contains(key) && SECRET_LIKE.matcher(key).matches()) {
        throw new ConfigurationException("secrets.provider carries '" + key + "': Secrets Broker never reads an"
            + " Azure client secret, certificate or token from configuration or the environment. Remove it and"
            + " sign in with the platform identity: credential=managed-identity (Azure Functions, App Service,"
            + " VMs), credential=workload-identity (AKS) or credential=cli (development, after 'az login').");
      }
    }
    uri.requireOnly(PARAMS);

    CredentialKind credential = uri.param(CREDENTIAL).map(CredentialKind::parse)
        .orElse(CredentialKind.MANAGED_IDENTITY);
    String clientId = uri.param(CLIENT_ID).map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
    if (clientId != null && !GUID.matcher(clientId).matches()) {
      throw new ConfigurationException("client-id=" + clientId + " in secrets.provider is not a client id: expected"
          + " a GUID such as 00000000-0000-0000-0000-000000000000 (the user-assigned identity's 'clientId').");
    }
    if (clientId != null && credential == CredentialKind.CLI) {
      throw new ConfigurationException("client-id is set but credential=cli signs in as the 'az login' user, who"
          + " has no client id to choose. Remove client-id, or use credential=managed-identity.");
    }
    Duration timeout = uri.param(TIMEOUT).map(KeyVaultConfig::parseTimeout)
        .orElseGet(uri::callTimeout); // else the portable secrets.provider.call-timeout (default 10 s)

    Optional<String> endpoint = uri.param(ENDPOINT).map(String::trim).filter(s -> !s.isEmpty());
    if (endpoint.isPresent()) {
      URI checked = Transport.requireSecure(endpoint.get(), "endpoint in secrets.provider");
      if (!"https".equalsIgnoreCase(checked.getScheme())) {
        throw new ConfigurationException("endpoint=" + endpoint.get() + " in secrets.provider uses plain http."
            + " Key Vault clients send bearer tokens only over https, emulators included (Lowkey Vault serves"
            + " https on port 8443): use an https:// endpoint and make the JVM trust the emulator's certificate.");
      }
      String path = checked.getRawPath() == null ? "" : checked.getRawPath().replaceAll("/+$", "");
      if (checked.getRawQuery() != null || checked.getRawFragment() != null) {
        throw new ConfigurationException("endpoint=" + endpoint.get() + " in secrets.provider has a query or a"
            + " fragment; a vault endpoint is https://host[:port][/path] (a path for emulators serving several"
            + " vaults, e.g. https://127.0.0.1:4577/orders-keyvault).");
      }
      if (path.contains("/secrets")) {
        throw new ConfigurationException("endpoint=" + endpoint.get() + " in secrets.provider points at the"
            + " secrets collection; give the vault's base URL (without /secrets).");
      }
      if (credential == CredentialKind.EMULATOR && !Transport.isLoopback(checked.getHost())) {
        throw new ConfigurationException("credential=emulator sends a placeholder token and is accepted only for an"
            + " endpoint on this machine (localhost, 127.0.0.1, [::1]), not " + checked.getHost() + ".");
      }
      String url = "https://" + checked.getRawAuthority() + path;
      String label = uri.host().map(KeyVaultConfig::firstLabel).orElse(checked.getRawAuthority());
      return new KeyVaultConfig(url, label, credential, clientId, timeout, !Transport.isLoopback(checked.getHost()));
    }

    if (credential == CredentialKind.EMULATOR) {
      throw new ConfigurationException("credential=emulator is for an emulator on this machine: add"
          + " endpoint=https://localhost:<port>[/<vault-path>] to secrets.provider, or choose another credential.");
    }
    String host = uri.host().orElseThrow(() -> new ConfigurationException("secrets.provider=" + uri
        + " names no vault. Use azure://<vault-name>.vault.azure.net (or .vault.azure.cn,"
        + " .vault.usgovcloudapi.net, .vault.microsoftazure.de)."));
    Matcher m = VAULT_HOST.matcher(host.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigurationException("secrets.provider host '" + host + "' is not a Key Vault host. Expected"
          + " <vault-name>.vault.azure.net (or .vault.azure.cn, .vault.usgovcloudapi.net,"
          + " .vault.microsoftazure.de), the vault name being 3-24 letters, digits and hyphens. For an"
          + " emulator, add endpoint=https://localhost:8443.");
    }
    if (uri.port() != -1) {
      throw new ConfigurationException("secrets.provider host '" + host + "' has a port; Key Vault listens on 443"
          + " only. Remove ':" + uri.port() + "' (use endpoint=... for an emulator).");
    }
    if (!uri.path().isEmpty() && !uri.path().equals("/")) {
      throw new ConfigurationException("secrets.provider=" + uri + " has a path; use azure://<vault-name>"
          + ".vault.azure.net with no path (secret names come from Secrets.get).");
    }
    return new KeyVaultConfig("https://" + m.group(0), m.group(1), credential, clientId, timeout, true);
  }

  private static String firstLabel(String host) {
    int dot = host.indexOf('.');
    return dot < 0 ? host : host.substring(0, dot);
  }

  private static Duration parseTimeout(String value) {
    Duration d;
    try {
      d = value.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(value)) : Duration.parse(value);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new ConfigurationException("timeout=" + value + " in secrets.provider is not a duration. Use seconds"
          + " (timeout=10) or ISO-8601 (timeout=PT2.5S).", e);
    }
    if (d.compareTo(Duration.ofMillis(100)) < 0 || d.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new ConfigurationException("timeout=" + value + " in secrets.provider is out of range: use between"
          + " 100 ms and 5 minutes.");
    }
    return d;
  }
}
