package probe;
import com.google.auth.oauth2.GoogleCredentials;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.*;
import java.util.*;
public class Main {
  public static void main(String[] a) throws Exception {
    long t0 = System.nanoTime();
    GoogleCredentials cred = GoogleCredentials.getApplicationDefault().createScoped("https://www.googleapis.com/auth/cloud-platform");
    URI uri = URI.create("http://127.0.0.1:" + a[0] + "/v1/projects/bench/secrets/db/versions/latest:access");
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).GET();
    for (Map.Entry<String, List<String>> e : cred.getRequestMetadata(uri).entrySet()) for (String v : e.getValue()) rb.header(e.getKey(), v);
    HttpResponse<byte[]> resp = HttpClient.newHttpClient().send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
    String v = Common.value(resp.body());
    if (!v.startsWith("postgresql://")) throw new IllegalStateException();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println((System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) + " " + ms);
  }
}
