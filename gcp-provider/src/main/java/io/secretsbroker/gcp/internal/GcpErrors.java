package io.secretsbroker.gcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import io.secretsbroker.gcp.SecretVersionStateException;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps Secret Manager's answers onto the exception taxonomy. Its errors are Google's JSON error
 * body, {@code {"error": {"code": 404, "message": "...", "status": "NOT_FOUND", "details": [...]}}};
 * the canonical {@code status} decides, the HTTP status stands in when the body is not that JSON
 * (a proxy's HTML page). Messages name the secret, the project and what to do; the service's own
 * message is quoted only for {@code INVALID_ARGUMENT} (it names fields, never data), and no
 * message holds a value. Stateless and thread-safe.
 */
final class GcpErrors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VERSION_STATE = Pattern.compile(
      "versions/([0-9A-Za-z_-]+)\\]?\\s+is in (DISABLED|DESTROYED) state");
  private static final Pattern RETRY_DELAY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)s");

  /** What the failed call was doing: the role to name differs. */
  enum Op { READ, WRITE, ALIASES }

  private final String project;

  GcpErrors(String project) {
    this.project = project;
  }

  /** Whether an error answer is Google's {@code INVALID_ARGUMENT}. */
  boolean isInvalidArgument(SecretManagerHttp.Response r) {
    try {
      return "INVALID_ARGUMENT".equals(JSON.readTree(r.body()).path("error").path("status").asText(""));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The exception for an I/O failure or timeout: transient. */
  SecretsException io(IOException e, String name, String secretId) {
    return new ProviderUnavailableException("Could not reach Secret Manager for secret '" + name + "' (secret "
        + secretId + " in project " + project + "): " + e.getClass().getSimpleName() + ". The call is retryable; if"
        + " it persists, check the network path to secretmanager.googleapis.com (Private Google Access on a VPC).", e);
  }

  /**
   * The exception for an error answer.
   *
   * @param version the version or alias asked for, or null when the call was about the secret
   */
  SecretsException map(SecretManagerHttp.Response r, String name, String secretId, String version, Op op) {
    String status = "";
    String message = "";
    String reason = "";
    String retryDelay = null;
    try {
      JsonNode err = JSON.readTree(r.body()).path("error");
      status = err.path("status").asText("");
      message = err.path("message").asText("");
      for (JsonNode d : err.path("details")) {
        String type = d.path("@type").asText("");
        if (type.endsWith("google.rpc.ErrorInfo")) {
          reason = d.path("reason").asText("");
        } else if (type.endsWith("google.rpc.RetryInfo") && d.path("retryDelay").isTextual()) {
          retryDelay = d.path("retryDelay").asText();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Google's JSON error body: decide by the HTTP status below
    }
    if (status.isEmpty()) {
      status = switch (r.status()) {
        case 400 -> "INVALID_ARGUMENT";
        case 401 -> "UNAUTHENTICATED";
        case 403 -> "PERMISSION_DENIED";
        case 404 -> "NOT_FOUND";
        case 409 -> "ABORTED";
        case 429 -> "RESOURCE_EXHAUSTED";
        case 501 -> "UNIMPLEMENTED";
        case 503 -> "UNAVAILABLE";
        case 504 -> "DEADLINE_EXCEEDED";
        default -> r.status() >= 500 ? "INTERNAL" : "HTTP " + r.status();
      };
    }
    String secret = "secret '" + name + "' (Secret Manager secret " + secretId + " in project " + project + ")";
    String what = version == null ? secret : "version '" + version + "' of " + secret;
    switch (status) {
      case "NOT_FOUND":
        if (version == null || version.equals("latest")) {
          return new SecretNotFoundException("Secret Manager has no " + secret + ". Create it ('gcloud secrets create "
              + secretId + " --project " + project + " --data-file=-'), or check secrets.env and the name"
              + (version == null ? "" : " (or it has no versions yet)") + ".");
        }
        return new SecretNotFoundException("Secret Manager has no " + what + " (or the secret does not exist).");
      case "PERMISSION_DENIED":
        if (reason.equals("SERVICE_DISABLED")) {
          return new SecretAccessDeniedException("The Secret Manager API is not enabled in project " + project
              + " (reading " + secret + "). Enable it: 'gcloud services enable secretmanager.googleapis.com"
              + " --project " + project + "'.");
        }
        if (reason.equals("ACCESS_TOKEN_SCOPE_INSUFFICIENT")) {
          return new SecretAccessDeniedException("The access token used for " + secret + " lacks the cloud-platform"
              + " OAuth scope. Give the workload's service account the scope"
              + " https://www.googleapis.com/auth/cloud-platform (Compute Engine access scopes).");
        }
        return new SecretAccessDeniedException("Permission denied on " + what + ". " + grant(op, secretId)
            + " The portable layer does not retry this.");
      case "UNAUTHENTICATED":
        return new SecretAccessDeniedException("Secret Manager rejected the credentials used for " + secret
            + " (UNAUTHENTICATED). Check the workload's service account, or in development run 'gcloud auth"
            + " application-default login' again.");
      case "FAILED_PRECONDITION": {
        Matcher m = VERSION_STATE.matcher(message);
        if (m.find()) {
          String v = m.group(1);
          String state = m.group(2);
          return new SecretVersionStateException("Version " + v + " of " + secret + " is " + state + " and cannot be"
              + " read" + (version != null && !version.equals(v) ? " (asked for '" + version + "')" : "") + ". "
              + (state.equals("DISABLED")
                  ? "Enable it ('gcloud secrets versions enable " + v + " --secret " + secretId + "') or add a new"
                      + " version."
                  : "Its data is gone; add a new version ('gcloud secrets versions add " + secretId + "').")
              + (version != null && (version.equals("latest") || version.equals("current"))
                  ? " Readers read the '" + version + "' alias; point it at an enabled version." : ""),
              v, state);
        }
        if (op == Op.ALIASES) {
          return new RotationConflictException("The version aliases of " + secret + " changed since they were read"
              + " (its etag no longer matches): another writer rotated it first. Nothing was changed.");
        }
        return new SecretsException("Secret Manager refused the call on " + what + " (FAILED_PRECONDITION).");
      }
      case "RESOURCE_EXHAUSTED":
        return new ProviderUnavailableException("Secret Manager throttled the request for " + what
            + " (RESOURCE_EXHAUSTED: the project's quota is 90,000 access requests a minute). Retryable"
            + retryHint(r, retryDelay) + "; if it persists, read less often (raise secrets.cache.refresh-after) or"
            + " request more quota.");
      case "UNAVAILABLE":
      case "INTERNAL":
      case "DEADLINE_EXCEEDED":
      case "ABORTED":
      case "UNKNOWN":
        return new ProviderUnavailableException("Secret Manager failed transiently for " + what + " (" + status
            + ", HTTP " + r.status() + "). Retryable" + retryHint(r, retryDelay) + ".");
      case "INVALID_ARGUMENT":
        return new SecretsException("Secret Manager refused the request for " + what + " as invalid: "
            + clip(message) + ".");
      default:
        return new SecretsException("Secret Manager answered " + status + " (HTTP " + r.status() + ") for " + what
            + "; not retried.");
    }
  }

  /** The role that grants what {@code op} needs, as a gcloud line. */
  private String grant(Op op, String secretId) {
    String role = op == Op.READ ? "roles/secretmanager.secretAccessor" : op == Op.WRITE
        ? "roles/secretmanager.secretVersionManager" : "roles/secretmanager.admin";
    String why = op == Op.READ ? "reading needs secretmanager.versions.access" : op == Op.WRITE
        ? "adding and disabling versions needs secretmanager.versions.add and .disable"
        : "moving version aliases needs secretmanager.secrets.update";
    return "The workload's identity lacks a role on the secret (" + why + "): grant " + role + " on the secret,"
        + " e.g. 'gcloud secrets add-iam-policy-binding " + secretId + " --project " + project
        + " --member=serviceAccount:SA_EMAIL --role=" + role + "'"
        + (op == Op.READ ? "" : " (or let the guard's policy command print the lines)") + ".";
  }

  private static String retryHint(SecretManagerHttp.Response r, String retryDelay) {
    String header = r.header("Retry-After");
    if (header != null && header.trim().matches("[0-9]{1,6}")) {
      return " after " + header.trim() + " s (Retry-After)";
    }
    if (retryDelay != null) {
      Matcher m = RETRY_DELAY.matcher(retryDelay.trim());
      if (m.matches()) {
        return " after " + m.group(1) + " s (RetryInfo)";
      }
    }
    return " with backoff";
  }

  private static String clip(String s) {
    String t = s.replaceAll("\\p{Cntrl}", " ").trim();
    return t.isEmpty() ? "(no message)" : t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }
}
