package probe;
import static com.github.tomakehurst.wiremock.client.WireMock.*;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.nio.file.*;
public class Server {
  public static void main(String[] a) throws Exception {
    WireMockServer s = new WireMockServer(WireMockConfiguration.wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    s.start();
    s.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(200).withHeader("Metadata-Flavor","Google").withBody("")));
    s.stubFor(get(urlPathEqualTo("/computeMetadata/v1/instance/service-accounts/default/token")).willReturn(okJson("{\"access_token\":\"ya29.probe\",\"expires_in\":3599,\"token_type\":\"Bearer\"}").withHeader("Metadata-Flavor","Google"))); // secrets-guard:allow fake token served by the probe server
    s.stubFor(get(urlPathEqualTo("/computeMetadata/v1/universe/universe-domain")).willReturn(aResponse().withStatus(200).withHeader("Metadata-Flavor","Google").withBody("googleapis.com")));
    // the fake secret and its CRC32C
    String value = "postgresql://app:bench@db/orders"; // secrets-guard:allow fake value served by the probe server
    byte[] b = value.getBytes("UTF-8");
    java.util.zip.CRC32C c = new java.util.zip.CRC32C(); c.update(b);
    s.stubFor(get(urlPathEqualTo("/v1/projects/bench/secrets/db/versions/latest:access")).withHeader("Authorization", equalTo("Bearer ya29.probe")) // secrets-guard:allow fake token served by the probe server
      .willReturn(okJson("{\"name\":\"projects/123/secrets/db/versions/1\",\"payload\":{\"data\":\""+java.util.Base64.getEncoder().encodeToString(b)+"\",\"dataCrc32c\":\""+c.getValue()+"\"}}")));
    Files.writeString(Path.of(a[0]), String.valueOf(s.port()));
  }
}
