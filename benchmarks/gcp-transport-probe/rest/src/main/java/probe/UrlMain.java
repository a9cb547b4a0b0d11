package probe;
import com.google.auth.oauth2.GoogleCredentials;
import java.lang.management.ManagementFactory;
import java.net.*;
import java.util.*;
public class UrlMain {
  public static void main(String[] a) throws Exception {
    long t0 = System.nanoTime();
    GoogleCredentials cred = GoogleCredentials.getApplicationDefault().createScoped("https://www.googleapis.com/auth/cloud-platform");
    URI uri = URI.create("http://127.0.0.1:" + a[0] + "/v1/projects/bench/secrets/db/versions/latest:access");
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    for (Map.Entry<String, List<String>> e : cred.getRequestMetadata(uri).entrySet()) for (String v : e.getValue()) c.addRequestProperty(e.getKey(), v);
    byte[] body; try (var in = c.getInputStream()) { body = in.readAllBytes(); }
    String v = Common.value(body);
    if (!v.startsWith("postgresql://")) throw new IllegalStateException();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println((System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) + " " + ms);
  }
}
