package io.secretsbroker.azure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made once per test JVM with
 * the JDK's own {@code keytool}, and an {@link SSLContext} that trusts only it. WireMock serves
 * HTTPS with the key store; the provider's JDK HTTP client trusts the certificate, with hostname
 * verification on, as in production.
 */
final class TestTls {
  static final String PASSWORD = "test-keystore-pw";
  private static Path keyStore;

  private TestTls() {}

  static synchronized Path keyStore() {
    if (keyStore == null) {
      try {
        Path dir = Files.createTempDirectory("azure-provider-tls");
        Path file = dir.resolve("localhost.p12");
        Process p = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1",
            "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
            "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD))
            .redirectErrorStream(true)
            .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("keytool failed: " + out);
        }
        file.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        keyStore = file;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return keyStore;
  }

  /** An SSL context trusting only the test certificate. */
  static SSLContext trustingTestCertificate() {
    try (InputStream in = Files.newInputStream(keyStore())) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD.toCharArray());
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("localhost", ks.getCertificate("localhost"));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
