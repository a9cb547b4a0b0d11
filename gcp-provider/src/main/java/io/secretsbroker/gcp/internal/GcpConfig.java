package io.secretsbroker.gcp.internal;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The settings of one {@code gcp://} provider, parsed and checked from its URI. Immutable.
 *
 * @param project the project id (or number) from the URI's authority
 * @param location the region of regional secrets, or null for global secrets
 * @param baseUrl where requests go: {@code https://secretmanager.googleapis.com}, the regional
 *     {@code https://secretmanager.LOCATION.rep.googleapis.com}, or the endpoint override
 * @param noCredentials whether requests go unauthenticated ({@code credentials=none}: a loopback
 *     emulator only)
 * @param production whether the environment is production (key files and gcloud logins refused)
 * @param timeout how long connecting, and then reading one answer, may each take
 */
public record GcpConfig(String project, String location, URI baseUrl, boolean noCredentials, boolean production,
    Duration timeout) {

  static final String LOCATION = "location";
  static final String ENDPOINT = "endpoint";
  static final String CREDENTIALS = "credentials";
  static final Set<String> PARAMS = Set.of(LOCATION, ENDPOINT, CREDENTIALS);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Project ids: 6-30 lower-case letters, digits and hyphens, starting with a letter; or a project number. */
  private static final Pattern PROJECT = Pattern.compile("[a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{1,19}");
  /** Regions: europe-west1, us-central1, northamerica-northeast2, me-central2 ... */
  private static final Pattern REGION = Pattern.compile("[a-z]+(?:-[a-z]+)+[0-9]{1,2}");

  /**
   * Parses {@code gcp://my-project[?location=europe-west1][&endpoint=...][&credentials=none]}.
   *
   * @throws ConfigurationException naming the setting at fault
   */
  public static GcpConfig from(ProviderUri uri) {
    uri.requireOnly(PARAMS);
    String project = uri.host().orElseThrow(() -> new ConfigurationException("secrets.provider=" + uri
        + " names no project. Use gcp://<project-id>, e.g. gcp://my-project (the project that holds the secrets)."));
    if (!PROJECT.matcher(project).matches()) {
      throw new ConfigurationException("secrets.provider host '" + project + "' is not a Google Cloud project id:"
          + " expected 6-30 lower-case letters, digits and hyphens starting with a letter (e.g. gcp://my-project),"
          + " or a project number.");
    }
    if (uri.port() != -1) {
      throw new ConfigurationException("secrets.provider=" + uri + " has a port after the project id; use"
          + " gcp://" + project + " (and endpoint=http://127.0.0.1:PORT for an emulator).");
    }
    if (!uri.path().isEmpty() && !uri.path().equals("/")) {
      throw new ConfigurationException("secrets.provider=" + uri + " has a path; use gcp://" + project
          + " with no path (secret names come from Secrets.get).");
    }
    String location = uri.param(LOCATION).map(String::trim).filter(s -> !s.isEmpty())
        .map(l -> l.toLowerCase(Locale.ROOT)).orElse(null);
    if (location != null && !REGION.matcher(location).matches()) {
      throw new ConfigurationException("location=" + location + " in secrets.provider is not a Google Cloud region:"
          + " expected a region such as europe-west1 or us-central1 (regional secrets live in one region; leave"
          + " location out for global secrets).");
    }
    boolean noCredentials = false;
    Optional<String> credentials = uri.param(CREDENTIALS).map(String::trim);
    if (credentials.isPresent()) {
      if (!credentials.get().equals("none")) {
        throw new ConfigurationException("credentials=" + credentials.get() + " in secrets.provider is not known."
            + " The only value is credentials=none, for an emulator on this machine; otherwise leave it out and the"
            + " provider signs in with Application Default Credentials (the metadata server on Cloud Run, Cloud"
            + " Functions and GKE). Credentials are never read from configuration.");
      }
      noCredentials = true;
    }
    boolean production = uri.isProduction()
        || uri.setting("secrets.production").map(v -> v.trim().equalsIgnoreCase("true")).orElse(false);

    Optional<String> endpoint = uri.param(ENDPOINT).map(String::trim).filter(s -> !s.isEmpty());
    URI base;
    if (endpoint.isPresent()) {
      URI checked = Transport.requireSecure(endpoint.get(), "endpoint in secrets.provider");
      String path = checked.getRawPath();
      if (path != null && !path.isEmpty() && !path.equals("/")) {
        throw new ConfigurationException("endpoint=" + endpoint.get() + " in secrets.provider has a path; an"
            + " endpoint is scheme://host[:port] only (the provider adds /v1/projects/...).");
      }
      if (checked.getRawQuery() != null || checked.getRawFragment() != null) {
        throw new ConfigurationException("endpoint=" + endpoint.get() + " in secrets.provider has a query or"
            + " fragment; an endpoint is scheme://host[:port] only.");
      }
      boolean loopback = Transport.isLoopback(checked.getHost());
      boolean http = "http".equalsIgnoreCase(checked.getScheme());
      if (http && !noCredentials) {
        throw new ConfigurationException("endpoint=" + endpoint.get() + " in secrets.provider uses plain http, which"
            + " would send a Google access token unencrypted. Plain http is for an emulator on this machine: add"
            + " credentials=none, or use an https:// endpoint.");
      }
      if (noCredentials && !loopback) {
        throw new ConfigurationException("credentials=none in secrets.provider is accepted only with an endpoint on"
            + " this machine (localhost, 127.0.0.1, [::1]): an emulator. Secret Manager itself needs credentials;"
            + " remove credentials=none to use Application Default Credentials.");
      }
      base = URI.create(checked.getScheme().toLowerCase(Locale.ROOT) + "://" + checked.getRawAuthority());
    } else {
      if (noCredentials) {
        throw new ConfigurationException("credentials=none in secrets.provider needs endpoint=http://127.0.0.1:PORT"
            + " (an emulator on this machine); Secret Manager itself always needs credentials. Remove credentials=none"
            + " to use Application Default Credentials.");
      }
      base = URI.create(location == null ? "https://secretmanager.googleapis.com"
          : "https://secretmanager." + location + ".rep.googleapis.com");
    }
    // the portable call timeout (secrets.provider.call-timeout; default 10 s, as DEFAULT_TIMEOUT)
    return new GcpConfig(project, location, base, noCredentials, production, uri.callTimeout());
  }

  /** {@code projects/P} or {@code projects/P/locations/L}: the parent of every secret. */
  public String parent() {
    return location == null ? "projects/" + project : "projects/" + project + "/locations/" + location;
  }

  /** {@code my-project} or {@code my-project/europe-west1}, for messages and the provider id. */
  public String label() {
    return location == null ? project : project + "/" + location;
  }
}
