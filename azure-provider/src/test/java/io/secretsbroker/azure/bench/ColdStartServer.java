package io.secretsbroker.azure.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The loopback "cloud" for the cold-start measurement (docs/benchmarks.md), JDK only:
 * an App Service style managed-identity endpoint over http ({@code IDENTITY_ENDPOINT}) and a Key
 * Vault secrets endpoint over https with the bearer challenge. Usage:
 * {@code ColdStartServer <keystore.p12> <password> <ports-file>}; it writes
 * {@code identityPort vaultPort} to the file and serves until killed.
 */
public final class ColdStartServer {
  static final String HEADER = "bench-identity-header";

  public static void main(String[] args) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      ks.load(in, args[1].toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, args[1].toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);

    InetAddress loopback = InetAddress.getLoopbackAddress();
    HttpServer identity = HttpServer.create(new InetSocketAddress(loopback, 0), 16);
    identity.createContext("/msi/token", ex -> {
      if (!HEADER.equals(ex.getRequestHeaders().getFirst("X-IDENTITY-HEADER"))) {
        send(ex, 400, "{\"error\":\"missing X-IDENTITY-HEADER\"}", null);
        return;
      }
      long expires = Instant.now().plusSeconds(3600).getEpochSecond();
      send(ex, 200, "{\"access_token\":\"bench-token\",\"expires_on\":\"" + expires
          + "\",\"resource\":\"https://vault.azure.net\",\"token_type\":\"Bearer\"}", null);
    });
    HttpsServer vault = HttpsServer.create(new InetSocketAddress(loopback, 0), 16);
    vault.setHttpsConfigurator(new HttpsConfigurator(tls));
    vault.createContext("/secrets/", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth == null) {
        send(ex, 401, "{\"error\":{\"code\":\"Unauthorized\",\"message\":\"no token\"}}",
            "Bearer authorization=\"https://login.microsoftonline.com/tenant\", resource=\"https://vault.azure.net\"");
        return;
      }
      long now = Instant.now().getEpochSecond();
      int port = vault.getAddress().getPort();
      send(ex, 200, "{\"value\":\"postgresql://app:bench@db.internal/orders\",\"id\":\"https://localhost:" + port // secrets-guard:allow fake value served by the loopback benchmark server
          + "/secrets/db/0123456789abcdef0123456789abcdef\",\"attributes\":{\"enabled\":true,\"created\":" + now
          + ",\"updated\":" + now + "}}", null);
    });
    identity.start();
    vault.start();
    Files.writeString(Path.of(args[2]), identity.getAddress().getPort() + " " + vault.getAddress().getPort());
  }

  private static void send(HttpExchange ex, int status, String body, String challenge) throws IOException {
    ex.getRequestBody().readAllBytes();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    if (challenge != null) {
      ex.getResponseHeaders().add("WWW-Authenticate", challenge);
    }
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }
}
