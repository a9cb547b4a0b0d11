package io.secretsbroker.azure;

import static com.github.nagyesta.lowkeyvault.testcontainers.LowkeyVaultContainerBuilder.lowkeyVault;

import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import com.github.nagyesta.lowkeyvault.testcontainers.LowkeyVaultContainer;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.testkit.ProviderContractTest;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.util.Collections;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The conformance suite against Lowkey Vault, a Key Vault emulator, in a container. Runs where a
 * Docker engine is reachable; elsewhere JUnit reports it skipped ("disabledWithoutDocker"). The
 * image is {@code nagyesta/lowkey-vault:7.1.13} unless {@code -Dlowkey.image=...} says otherwise.
 * Access is "denied" by disabling the secret, which Key Vault (and Lowkey) refuse to serve.
 */
@Testcontainers(disabledWithoutDocker = true)
class LowkeyVaultContractTest extends ProviderContractTest {
  @Container
  static final LowkeyVaultContainer LOWKEY = lowkeyVault(DockerImageName.parse(
      System.getProperty("lowkey.image", "nagyesta/lowkey-vault:7.1.13"))).build();

  private static SSLContext trust;
  private static SecretClient direct;

  @BeforeAll
  static void connect() throws GeneralSecurityException {
    KeyStore lowkeyStore = LOWKEY.getDefaultKeyStore();
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try {
      trusted.load(null, null);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    for (String alias : Collections.list(lowkeyStore.aliases())) {
      trusted.setCertificateEntry(alias, lowkeyStore.getCertificate(alias));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    trust = SSLContext.getInstance("TLS");
    trust.init(null, tmf.getTrustManagers(), null);
    direct = new SecretClientBuilder()
        .vaultUrl(LOWKEY.getDefaultVaultBaseUrl())
        .credential(new TestCredential())
        .httpClient(KeyVaultSecretProvider.httpClient(java.net.http.HttpClient.newBuilder().sslContext(trust),
            KeyVaultConfig.DEFAULT_TIMEOUT))
        .disableChallengeResourceVerification()
        .buildClient();
  }

  @Override
  protected SecretProvider createProvider() {
    KeyVaultConfig config = KeyVaultConfig.from(ProviderUri.parse("azure://lowkey?endpoint="
        + LOWKEY.getDefaultVaultBaseUrl()));
    return new KeyVaultSecretProvider(config, new TestCredential(),
        KeyVaultSecretProvider.httpClient(java.net.http.HttpClient.newBuilder().sslContext(trust), config.timeout()),
        Clock.systemUTC());
  }

  @Override
  protected String seed(String name, byte[] value) {
    return direct.setSecret(KeyVaultSecretProvider.stored(KeyVaultNames.toVaultName(name), value))
        .getProperties().getVersion();
  }

  @Override
  protected void denyAccess(String name) {
    SecretProperties props = direct.getSecret(KeyVaultNames.toVaultName(name)).getProperties();
    direct.updateSecretProperties(props.setEnabled(false));
  }

  @Override
  protected String unknownVersionId() {
    return "0123456789abcdef0123456789abcdef";
  }
}
