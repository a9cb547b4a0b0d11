package io.secretsbroker.gcp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Secret Manager's REST API (v1) over the JDK's {@link HttpURLConnection}: one exchange per call,
 * JSON in and out, the ADC bearer token on each request, connections kept alive by the JDK.
 *
 * <p><b>Why {@code HttpURLConnection}</b> and not {@code java.net.http.HttpClient}: the auth library
 * reaches the metadata server through {@code HttpURLConnection} anyway, so reusing it adds no second
 * HTTP stack to a cold start; measured, it reached the first secret in about half the time
 * ({@code docs/benchmarks.md}, "Google Cloud provider"). It has no {@code PATCH}, so
 * {@code secrets.patch} is sent as {@code POST} with {@code X-HTTP-Method-Override: PATCH}, which
 * Google's API front end honours (Google's own java.net transport does the same).
 *
 * <p>Thread-safe: each call opens its own connection object. I/O failures and timeouts are thrown
 * as {@link IOException} for the caller to map; HTTP error statuses are returned, not thrown.
 */
public final class SecretManagerHttp {
  static final String USER_AGENT = "secretsbroker-gcp/0.1";

  private final GcpConfig config;
  private final GcpCredentials credentials;

  public SecretManagerHttp(GcpConfig config, GcpCredentials credentials) {
    this.config = config;
    this.credentials = credentials;
  }

  /** One answer: status, body (the error body for a 4xx/5xx) and headers. */
  public record Response(int status, byte[] body, Map<String, List<String>> headers) {
    /** The first value of a header, case-insensitively, or null. */
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return "Response[status=" + status + ", body=" + body.length + " bytes]";
    }
  }

  /**
   * Sends one request.
   *
   * @param method {@code GET}, {@code POST} or {@code PATCH}
   * @param path from {@code /v1/...}, query included
   * @param json the request body, or null
   */
  public Response send(String method, String path, byte[] json) throws IOException {
    URI uri = URI.create(config.baseUrl() + path);
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setConnectTimeout((int) config.timeout().toMillis());
    c.setReadTimeout((int) config.timeout().toMillis());
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    if (method.equals("PATCH")) {
      c.setRequestMethod("POST");
      c.setRequestProperty("X-HTTP-Method-Override", "PATCH");
    } else {
      c.setRequestMethod(method);
    }
    c.setRequestProperty("Accept", "application/json");
    c.setRequestProperty("User-Agent", USER_AGENT);
    String auth = credentials.authorization(uri);
    if (auth != null) {
      c.setRequestProperty("Authorization", auth);
    }
    if (json != null) {
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json; charset=utf-8");
      c.setFixedLengthStreamingMode(json.length);
      try (OutputStream out = c.getOutputStream()) {
        out.write(json);
      }
    }
    int status = c.getResponseCode();
    byte[] body;
    try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
      body = in == null ? new byte[0] : in.readAllBytes();
    }
    return new Response(status, body, c.getHeaderFields());
  }
}
