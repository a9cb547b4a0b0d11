package io.secretsbroker.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.spi.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Vault's HTTP API over {@link HttpClient}: JSON in, JSON out, the {@code X-Vault-Token} and
 * {@code X-Vault-Namespace} headers, TLS 1.2+ (trusting a private CA when {@code ca-file} is set).
 *
 * <p>Transport failures (timeouts, refused connections, I/O) become
 * {@link ProviderUnavailableException}; every HTTP status is returned to the caller, which maps it
 * with knowledge of the secret at hand. Thread-safe: one shared {@link HttpClient}.
 */
final class VaultHttp {
  /**
   * Recycles no buffers: Jackson's default pool keeps each thread's last parse buffers, which would
   * still hold a secret's text (and the token) in a heap image taken at a checkpoint.
   */
  static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
      .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.nonRecyclingPool()).build());

  /** One answer from Vault. {@code body} is an empty object when Vault sent none or not JSON. */
  record Response(int status, JsonNode body) {
    boolean ok() {
      return status / 100 == 2;
    }
  }

  private final java.util.function.Supplier<HttpClient> clients;
  private volatile HttpClient client; // null after dropConnections() until the next call
  private final URI endpoint;
  private final String namespace;
  private final Duration timeout;

  VaultHttp(HttpClient client, URI endpoint, String namespace, Duration timeout) {
    this(() -> client, endpoint, namespace, timeout);
  }

  VaultHttp(java.util.function.Supplier<HttpClient> clients, URI endpoint, String namespace, Duration timeout) {
    this.clients = clients;
    this.client = clients.get();
    this.endpoint = endpoint;
    this.namespace = namespace;
    this.timeout = timeout;
  }

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          c = clients.get();
          client = c;
        }
      }
    }
    return c;
  }

  /**
   * Before a checkpoint: forgets the HTTP client and so its pooled connections (on Java 21+ it is
   * shut down at once; on 17 its idle connections close when it is collected). The next call builds
   * a new one.
   */
  void dropConnections() {
    HttpClient c;
    synchronized (this) {
      c = client;
      client = null;
    }
    if (c == null) {
      return;
    }
    try {
      c.getClass().getMethod("shutdownNow").invoke(c); // Java 21+
    } catch (ReflectiveOperationException | RuntimeException older) {
      // Java 17: no shutdown; unreferenced, its connections close when it is collected
    }
  }

  /** Whether an HTTP client (with its connections) is held, for tests. */
  boolean holdsClient() {
    return client != null;
  }

  static VaultHttp create(VaultSettings settings) {
    SSLContext tls = settings.endpoint.getScheme().equals("https") ? sslContext(settings.caFile) : null;
    return new VaultHttp(() -> {
      HttpClient.Builder b = HttpClient.newBuilder()
          .connectTimeout(settings.timeout)
          .followRedirects(HttpClient.Redirect.NEVER);
      if (tls != null) {
        b.sslContext(tls);
        b.sslParameters(new SSLParameters(null, Transport.TLS_PROTOCOLS.clone()));
      }
      return b.build();
    }, settings.endpoint, settings.namespace, settings.timeout);
  }

  /** A TLS context trusting the JDK's CAs, or only the PEM certificates in {@code caFile}. */
  static SSLContext sslContext(Path caFile) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      if (caFile == null) {
        ctx.init(null, null, null);
        return ctx;
      }
      Collection<? extends Certificate> certs;
      try (InputStream in = Files.newInputStream(caFile)) {
        certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
      if (certs.isEmpty()) {
        throw new ConfigurationException("ca-file " + caFile + " holds no PEM certificate. Point ca-file at the"
            + " PEM file of the CA that signed Vault's certificate.");
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("vault-ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException e) {
      throw new ConfigurationException("ca-file " + caFile + " cannot be read (" + e.getClass().getSimpleName()
          + "). Point ca-file at a readable PEM file of Vault's CA.", e);
    } catch (GeneralSecurityException e) {
      throw new ConfigurationException("ca-file " + caFile + " is not a valid PEM certificate file ("
          + e.getClass().getSimpleName() + ").", e);
    }
  }

  URI endpoint() {
    return endpoint;
  }

  /**
   * Sends one request to {@code /v1/<path>}.
   *
   * @param token the Vault token, or null for unauthenticated calls (login)
   * @param what what the call does, for error messages ("reading secret 'db'")
   * @throws ProviderUnavailableException on timeout or I/O failure
   */
  Response send(String method, String path, JsonNode body, String token, String what) {
    HttpRequest.Builder rb = HttpRequest.newBuilder(endpoint.resolve("/v1/" + path)).header("X-Vault-Request", "true");
    if (namespace != null) {
      rb.header("X-Vault-Namespace", namespace);
    }
    if (token != null) {
      rb.header("X-Vault-Token", token);
    }
    return send(rb, method, body, what);
  }

  /**
   * Sends one request to a URL outside Vault (a cloud identity endpoint): no Vault token or
   * namespace goes with it.
   */
  Response sendExternal(URI url, Map<String, String> headers, String what) {
    HttpRequest.Builder rb = HttpRequest.newBuilder(url);
    headers.forEach(rb::header);
    return send(rb, "GET", null, what);
  }

  private Response send(HttpRequest.Builder rb, String method, JsonNode body, String what) {
    rb.timeout(timeout).header("Accept", "application/json");
    if (body == null) {
      rb.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      rb.header("Content-Type", "application/json");
      try {
        rb.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      } catch (IOException e) {
        throw new IllegalStateException("JSON tree could not be written", e); // cannot happen for a tree
      }
    }
    HttpRequest request = rb.build();
    URI url = request.uri();
    HttpResponse<byte[]> r;
    try {
      r = client().send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new ProviderUnavailableException("Vault at " + url.getHost() + " did not answer within " + timeout.toMillis()
          + " ms while " + what + ". Check the network path to Vault, or raise timeout= in secrets.provider.", e);
    } catch (IOException e) {
      throw new ProviderUnavailableException("Vault at " + url.getHost() + ":" + url.getPort() + " could not be"
          + " reached while " + what + " (" + e.getClass().getSimpleName() + "). Check that Vault is running and"
          + " reachable, and the host and port in secrets.provider.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderUnavailableException("Interrupted while " + what + " at Vault.", e);
    }
    return new Response(r.statusCode(), parse(r.body()));
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode n = JSON.readTree(body);
      return n == null || n.isMissingNode() ? JSON.createObjectNode() : n;
    } catch (IOException e) {
      return JSON.createObjectNode(); // a proxy's HTML error page: the status alone decides
    }
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }
}
