package io.secretsbroker.gcp.bench;

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
import java.util.Base64;
import java.util.zip.CRC32C;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The loopback "cloud" for the cold-start measurement (docs/benchmarks.md), JDK only: a Compute
 * Engine style metadata server over http (the {@code Metadata-Flavor: Google} check and the
 * service account's token) and Secret Manager's {@code :access} over https, answering with a
 * base64 payload and its CRC32C. Usage: {@code ColdStartServer <keystore.p12> <password> <ports-file>};
 * it writes {@code metadataPort secretManagerPort} to the file and serves until killed.
 */
public final class ColdStartServer {
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
    HttpServer metadata = HttpServer.create(new InetSocketAddress(loopback, 0), 16);
    metadata.createContext("/", ex -> {
      if (ex.getRequestURI().getPath().equals("/computeMetadata/v1/instance/service-accounts/default/token")) {
        if (!"Google".equals(ex.getRequestHeaders().getFirst("Metadata-Flavor"))) {
          send(ex, 403, "missing Metadata-Flavor");
          return;
        }
        send(ex, 200, "{\"access_token\":\"ya29.bench\",\"expires_in\":3599,\"token_type\":\"Bearer\"}"); // secrets-guard:allow fake token served by the loopback benchmark server
      } else if (ex.getRequestURI().getPath().endsWith("/universe/universe-domain")) {
        send(ex, 200, "googleapis.com");
      } else {
        send(ex, 200, "");
      }
    });
    byte[] value = "postgresql://app:bench@db.internal/orders".getBytes(StandardCharsets.UTF_8); // secrets-guard:allow fake value served by the loopback benchmark server
    CRC32C crc = new CRC32C();
    crc.update(value);
    String access = "{\"name\":\"projects/123456789012/secrets/db/versions/1\",\"payload\":{\"data\":\""
        + Base64.getEncoder().encodeToString(value) + "\",\"dataCrc32c\":\"" + crc.getValue() + "\"}}";
    HttpsServer sm = HttpsServer.create(new InetSocketAddress(loopback, 0), 16);
    sm.setHttpsConfigurator(new HttpsConfigurator(tls));
    sm.createContext("/v1/", ex -> {
      if (!"Bearer ya29.bench".equals(ex.getRequestHeaders().getFirst("Authorization"))) { // secrets-guard:allow fake token
        send(ex, 401, "{\"error\":{\"code\":401,\"message\":\"no token\",\"status\":\"UNAUTHENTICATED\"}}");
      } else if (ex.getRequestURI().getPath().endsWith("/versions/current:access")) {
        send(ex, 404, "{\"error\":{\"code\":404,\"message\":\"Secret Version [projects/123456789012/secrets/db/"
            + "versions/current] not found.\",\"status\":\"NOT_FOUND\"}}");
      } else {
        send(ex, 200, access);
      }
    });
    metadata.start();
    sm.start();
    Files.writeString(Path.of(args[2]), metadata.getAddress().getPort() + " " + sm.getAddress().getPort());
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    ex.getRequestBody().readAllBytes();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.getResponseHeaders().add("Metadata-Flavor", "Google");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }
}
