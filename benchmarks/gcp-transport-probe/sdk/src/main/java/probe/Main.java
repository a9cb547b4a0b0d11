package probe;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.secretmanager.v1.*;
import java.lang.management.ManagementFactory;
public class Main {
  public static void main(String[] a) throws Exception {
    long t0 = System.nanoTime();
    SecretManagerServiceSettings settings = SecretManagerServiceSettings.newHttpJsonBuilder()
        .setEndpoint("http://127.0.0.1:" + a[0])
        .setCredentialsProvider(FixedCredentialsProvider.create(GoogleCredentials.getApplicationDefault()))
        .build();
    try (SecretManagerServiceClient c = SecretManagerServiceClient.create(settings)) {
      AccessSecretVersionResponse r = c.accessSecretVersion(SecretVersionName.of("bench", "db", "latest"));
      String v = r.getPayload().getData().toStringUtf8();
      if (!v.startsWith("postgresql://")) throw new IllegalStateException();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println((System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) + " " + ms);
    }
  }
}
