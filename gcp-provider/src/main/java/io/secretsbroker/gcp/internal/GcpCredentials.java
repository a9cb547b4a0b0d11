package io.secretsbroker.gcp.internal;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretAccessDeniedException;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Where requests get their {@code Authorization} header: Application Default Credentials
 * (resolved lazily, once, on the first request; a failed resolution is retried on the next), or
 * nothing for a loopback emulator ({@code credentials=none}).
 *
 * <p><b>Production.</b> ADC also finds a service-account key file ({@code GOOGLE_APPLICATION_CREDENTIALS}
 * or gcloud's well-known file) and a developer's {@code gcloud auth application-default login}.
 * Both are long-lived credentials on disk, meant for local development; when the environment is
 * production they are refused with a {@link ConfigurationException}, before any request is sent.
 * The metadata server (Cloud Run, Cloud Functions, GKE workload identity, Compute Engine) and
 * workload identity federation are accepted everywhere.
 *
 * <p>Thread-safe: the resolved credentials are published once; {@link GoogleCredentials} refreshes
 * its token under its own lock.
 */
public abstract class GcpCredentials {
  static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

  /** The {@code Authorization} header value for a request to {@code uri}, or null for none. */
  public abstract String authorization(URI uri);

  /** No credentials: the emulator case. */
  public static GcpCredentials none() {
    return new GcpCredentials() {
      @Override
      public String authorization(URI uri) {
        return null;
      }
    };
  }

  /** Application Default Credentials, refused when they are a key file or user login in production. */
  public static GcpCredentials applicationDefault(GcpConfig config) {
    return new FromGoogle(config, () -> GoogleCredentials.getApplicationDefault());
  }

  /** The given credentials source (tests pass credentials whose token endpoint is a local server). */
  public static GcpCredentials from(GcpConfig config, Source source) {
    return new FromGoogle(config, source);
  }

  /** Loads credentials; may do I/O (the metadata-server check). */
  @FunctionalInterface
  public interface Source {
    GoogleCredentials load() throws IOException;
  }

  private static final class FromGoogle extends GcpCredentials {
    private final GcpConfig config;
    private final Source source;
    private volatile GoogleCredentials resolved;

    FromGoogle(GcpConfig config, Source source) {
      this.config = config;
      this.source = source;
    }

    @Override
    public String authorization(URI uri) {
      GoogleCredentials c = resolve();
      Map<String, List<String>> headers;
      try {
        headers = c.getRequestMetadata(uri);
      } catch (IOException e) {
        throw new ProviderUnavailableException("Could not get a Google access token for Secret Manager in project "
            + config.label() + " (" + e.getClass().getSimpleName() + "). On Cloud Run, Cloud Functions and GKE the"
            + " metadata server issues it; the call is retryable. If it persists, check the service account attached"
            + " to the workload.", e);
      } catch (IllegalStateException e) {
        throw new SecretAccessDeniedException("The Google credentials for Secret Manager in project "
            + config.label() + " could not produce an access token (" + e.getClass().getSimpleName() + ")."
            + " Check the account's key or login ('gcloud auth application-default login' in development).", e);
      }
      List<String> auth = headers == null ? null : headers.get("Authorization");
      return auth == null || auth.isEmpty() ? null : auth.get(0);
    }

    private GoogleCredentials resolve() {
      GoogleCredentials c = resolved;
      if (c != null) {
        return c;
      }
      synchronized (this) {
        if (resolved == null) {
          GoogleCredentials loaded;
          try {
            loaded = source.load();
          } catch (IOException e) {
            throw new ConfigurationException("No Google Application Default Credentials were found for Secret Manager"
                + " in project " + config.label() + ". On Cloud Run, Cloud Functions and GKE they come from the"
                + " metadata server (attach a service account to the service); in development run 'gcloud auth"
                + " application-default login'. For an emulator use endpoint=http://127.0.0.1:PORT&credentials=none.",
                e);
          }
          refuseDevelopmentCredentialsInProduction(loaded, config);
          resolved = loaded.createScopedRequired() ? loaded.createScoped(CLOUD_PLATFORM) : loaded;
        }
        return resolved;
      }
    }
  }

  /**
   * Refuses a key file or a user login when the environment is production.
   *
   * @throws ConfigurationException naming what was found and what to use instead
   */
  static void refuseDevelopmentCredentialsInProduction(GoogleCredentials c, GcpConfig config) {
    if (!config.production()) {
      return;
    }
    String what = null;
    if (c instanceof ServiceAccountCredentials sa) {
      what = "a service-account key file (" + sa.getClientEmail() + ")";
    } else if (c instanceof UserCredentials) {
      what = "a developer's gcloud login (authorized_user credentials)";
    }
    if (what != null) {
      throw new ConfigurationException("Application Default Credentials for Secret Manager in project "
          + config.label() + " resolved to " + what + ", but the environment is production (secrets.env /"
          + " secrets.production). Key files and user logins are for local development only. Attach a service"
          + " account to the Cloud Run service, Cloud Function or GKE workload (workload identity) and unset"
          + " GOOGLE_APPLICATION_CREDENTIALS.");
    }
  }
}
