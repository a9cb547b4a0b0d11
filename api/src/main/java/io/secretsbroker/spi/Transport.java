package io.secretsbroker.spi;

import io.secretsbroker.ConfigurationException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The one check every provider applies to an endpoint: TLS only, except plain {@code http://} to a
 * loopback host (an emulator on this machine). TLS itself is negotiated at 1.2 or newer by the JDK
 * and the cloud SDKs; {@link #TLS_PROTOCOLS} is what providers that build their own client pin.
 */
public final class Transport {
  /** The TLS versions providers accept. */
  public static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private Transport() {}

  /**
   * Parses and checks an endpoint.
   *
   * @param endpoint the URL, e.g. {@code https://vault.internal:8200}
   * @param setting the setting it came from, named in the error
   * @throws ConfigurationException when it is not https, or http to a non-loopback host
   */
  public static URI requireSecure(String endpoint, String setting) {
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new ConfigurationException(setting + " '" + endpoint + "' is not a valid URL: " + e.getReason(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null) {
      throw new ConfigurationException(setting + " '" + endpoint + "' has no host. Expected https://host[:port].");
    }
    if (uri.getRawUserInfo() != null) {
      throw new ConfigurationException(setting + " must not carry credentials; remove the part before '@'.");
    }
    if (scheme.equals("https")) {
      return uri;
    }
    if (scheme.equals("http")) {
      if (isLoopback(uri.getHost())) {
        return uri;
      }
      throw new ConfigurationException(setting + " '" + endpoint + "' uses plain http to a non-loopback host."
          + " Secrets travel only over TLS: use https:// (plain http is accepted only for emulators on"
          + " localhost/127.0.0.1/[::1]).");
    }
    throw new ConfigurationException(setting + " '" + endpoint + "' must be an https:// URL.");
  }

  /**
   * Whether {@code failure} or one of its causes is a TLS trust failure: the endpoint's certificate
   * chain could not be verified ({@code SunCertPathBuilderException}, any
   * {@link java.security.cert.CertPathBuilderException} or {@link java.security.cert.CertificateException})
   * or the handshake failed ({@link javax.net.ssl.SSLHandshakeException}). Retrying cannot fix
   * these: the trust store or the endpoint has to change.
   */
  public static boolean isTlsTrustFailure(Throwable failure) {
    for (Throwable t = failure, prev = null; t != null && t != prev; prev = t, t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLHandshakeException
          || t instanceof java.security.cert.CertPathBuilderException
          || t instanceof java.security.cert.CertPathValidatorException
          || t instanceof java.security.cert.CertificateException
          || t.getClass().getName().endsWith("SunCertPathBuilderException")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The error for a TLS trust failure talking to {@code endpoint}: a {@link ConfigurationException}
   * naming the JVM's trust store and how to make it trust the endpoint.
   *
   * @param endpoint what was being reached, e.g. "provider vault:vault.internal:8200"
   */
  public static ConfigurationException tlsTrustFailure(String endpoint, Throwable failure) {
    String store = System.getProperty("javax.net.ssl.trustStore");
    String where = store != null && !store.isBlank()
        ? "the trust store javax.net.ssl.trustStore=" + store
        : "the JVM's default trust store (" + System.getProperty("java.home") + "/lib/security/cacerts;"
            + " set javax.net.ssl.trustStore to use another)";
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return new ConfigurationException("TLS to " + endpoint + " failed: its certificate is not trusted by " + where
        + " (" + root.getClass().getSimpleName() + "). Import the endpoint's CA certificate into that trust store"
        + " (keytool -importcert), or point the provider at an endpoint with a publicly trusted certificate."
        + " This is not retried.", failure);
  }

  /**
   * Whether {@code failure} or one of its causes says a response could not be parsed (a JSON or XML
   * parser error, shaded or not): the store, or something posing as it (a proxy, a captive portal),
   * answered with a body that is not its API's. Not a network problem; providers say so.
   */
  public static boolean isMalformedResponse(Throwable failure) {
    for (Throwable t = failure, prev = null; t != null && t != prev; prev = t, t = t.getCause()) {
      String n = t.getClass().getName();
      if (n.endsWith("JsonParseException") || n.endsWith("JsonProcessingException") || n.endsWith("MismatchedInputException")
          || n.endsWith("JsonEOFException") || n.endsWith("SAXParseException")) {
        return true;
      }
      String m = t.getMessage();
      if (m != null && (m.startsWith("Unable to unmarshall") || m.startsWith("Unable to parse"))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the host is a loopback name or address; never resolves names over the network. */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false; // a DNS name: not looked up
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
