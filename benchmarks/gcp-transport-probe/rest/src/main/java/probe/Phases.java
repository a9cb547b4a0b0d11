package probe;
import com.fasterxml.jackson.databind.*;
import com.google.auth.oauth2.GoogleCredentials;
import java.net.URI;
import java.net.http.*;
import java.util.*;
public class Phases {
  public static void main(String[] a) throws Exception {
    long t0 = System.nanoTime();
    GoogleCredentials cred = GoogleCredentials.getApplicationDefault().createScoped("https://www.googleapis.com/auth/cloud-platform");
    URI uri = URI.create("http://127.0.0.1:" + a[0] + "/v1/projects/bench/secrets/db/versions/latest:access");
    Map<String, List<String>> md = cred.getRequestMetadata(uri);
    long t1 = System.nanoTime();
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).GET();
    for (Map.Entry<String, List<String>> e : md.entrySet()) for (String v : e.getValue()) rb.header(e.getKey(), v);
    HttpResponse<byte[]> resp = HttpClient.newHttpClient().send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
    long t2 = System.nanoTime();
    JsonNode n = new ObjectMapper().readTree(resp.body());
    long t3 = System.nanoTime();
    System.out.println("auth " + (t1-t0)/1000000 + " http " + (t2-t1)/1000000 + " json " + (t3-t2)/1000000);
  }
}
