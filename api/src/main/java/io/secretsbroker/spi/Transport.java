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
