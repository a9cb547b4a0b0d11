package io.secretsbroker.guard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secretsbroker.ConfigurationException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code policy --provider gcp}: one secretAccessor binding per allowed secret, nothing wider. */
class GcpPolicyTest {

  private static String generate(Map<String, String> props, String project, String location) {
    return PolicyGenerator.generate(new PolicyRequest(PolicyGenerator.Cloud.GCP, props, location, null, false, null,
        null, null, null, null, project));
  }

  @Test
  void gcp_exactNames_oneBindingPerSecretSpelledByTheProviderRule() {
    String out = generate(Map.of("secrets.allow", "db,stripe.key", "secrets.env", "prod"), "my-project", null);

    List<String> commands = out.lines().filter(l -> !l.startsWith("#")).toList();
    assertThat(commands).containsExactly(
        "gcloud secrets add-iam-policy-binding prod-db --project my-project --member \"$MEMBER\" --role"
            + " roles/secretmanager.secretAccessor",
        "gcloud secrets add-iam-policy-binding prod-stripe_key --project my-project --member \"$MEMBER\" --role"
            + " roles/secretmanager.secretAccessor");
    assertThat(out).doesNotContain("projects add-iam-policy-binding").doesNotContain("secretmanager.admin");
  }

  @Test
  void gcp_regionalSecrets_carryTheLocation_andProjectDefaultsToVariable() {
    String out = generate(Map.of("secrets.allow", "db"), null, "europe-west1");

    assertThat(out).contains("gcloud secrets add-iam-policy-binding db --project $PROJECT_ID --location europe-west1");
  }

  @Test
  void gcp_prefixPattern_refusedWithWhatToDo() {
    assertThatThrownBy(() -> generate(Map.of("secrets.allow", "stripe/*"), "my-project", null))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("cannot match a name prefix")
        .hasMessageContaining("stripe/*");
  }

  @Test
  void gcp_twoNamesSpellingOneSecret_refused() {
    assertThatThrownBy(() -> generate(Map.of("secrets.allow", "prod/db,prod-db"), "my-project", null))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'prod/db'").hasMessageContaining("'prod-db'");
  }

  @Test
  void gcp_nameWithoutSecretManagerSpelling_refused() {
    assertThatThrownBy(() -> PolicyGenerator.secretManagerId("db@x")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'@'");
  }

  @Test
  void command_providerGcp_printsBindings() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = PolicyCommand.run(new String[] {"--provider", "gcp", "--allow", "db", "--env", "prod", "--project",
        "orders-prod"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("gcloud secrets add-iam-policy-binding prod-db --project orders-prod");
  }
}
