package io.secretsbroker.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.spi.Transport;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/**
 * Vault's Azure auth method: a managed-identity access token from the platform's identity
 * endpoint, posted with {@code role} and the caller's subscription and resource group.
 *
 * <p>Where the token comes from: in App Service, Functions and Container Apps, the endpoint in the
 * {@code IDENTITY_ENDPOINT} environment variable (with {@code IDENTITY_HEADER}); elsewhere (VMs,
 * scale sets) the instance metadata service (IMDS). Both are injectable for tests. On IMDS, a
 * missing {@code subscription-id}/{@code resource-group}/{@code vm-name}/{@code vmss-name} is read
 * from the instance metadata once, as Vault Agent does; with {@code IDENTITY_ENDPOINT} there is no
 * instance metadata, so {@code subscription-id}, {@code resource-group} and {@code resource-id}
 * must be configured. {@code resource} is the token audience (default
 * {@code https://management.azure.com/}, Vault's default); {@code client-id} picks a user-assigned
 * identity. Thread-safe.
 */
final class AzureAuth extends LoginAuth {
  static final URI IMDS = URI.create("http://169.254.169.254");
  static final String DEFAULT_RESOURCE = "https://management.azure.com/";

  private final VaultSettings settings;
  private final Function<String, String> env;
  private final URI imds;
  private volatile JsonNode instance;

  AzureAuth(VaultSettings settings, Function<String, String> env, URI imds, Clock clock) {
    super("azure", settings.authMount, settings.auth("role").orElseThrow(), clock);
    this.settings = settings;
    this.env = env;
    this.imds = imds;
  }

  @Override
  ObjectNode body(VaultHttp http) {
    String identityEndpoint = env.apply("IDENTITY_ENDPOINT");
    boolean appService = identityEndpoint != null && !identityEndpoint.isBlank();
    ObjectNode body = withRole();
    body.put("jwt", appService ? appServiceToken(http, identityEndpoint) : imdsToken(http));
    String subscription = settings.auth("subscription-id").orElse(null);
    String group = settings.auth("resource-group").orElse(null);
    String vm = settings.auth("vm-name").orElse(null);
    String vmss = settings.auth("vmss-name").orElse(null);
    if (subscription == null || group == null || (!appService && vm == null && vmss == null)) {
      if (appService) {
        throw new ConfigurationException("auth=azure in App Service/Functions/Container Apps needs subscription-id,"
            + " resource-group and resource-id in secrets.provider (there is no instance metadata to read them"
            + " from), e.g. &subscription-id=...&resource-group=rg&resource-id=/subscriptions/.../sites/my-func.");
      }
      JsonNode compute = instance(http).path("compute");
      subscription = subscription != null ? subscription : compute.path("subscriptionId").asText();
      group = group != null ? group : compute.path("resourceGroupName").asText();
      if (vm == null && vmss == null) {
        String scaleSet = compute.path("vmScaleSetName").asText("");
        if (scaleSet.isEmpty()) {
          vm = compute.path("name").asText();
        } else {
          vmss = scaleSet;
        }
      }
    }
    body.put("subscription_id", subscription);
    body.put("resource_group_name", group);
    if (vm != null) {
      body.put("vm_name", vm);
    }
    if (vmss != null) {
      body.put("vmss_name", vmss);
    }
    settings.auth("resource-id").ifPresent(id -> body.put("resource_id", id));
    return body;
  }

  private String query() {
    return "resource=" + enc(settings.auth("resource").orElse(DEFAULT_RESOURCE))
        + settings.auth("client-id").map(c -> "&client_id=" + enc(c)).orElse("");
  }

  private String appServiceToken(VaultHttp http, String endpoint) {
    URI base = Transport.requireSecure(endpoint.trim(), "IDENTITY_ENDPOINT");
    String header = env.apply("IDENTITY_HEADER");
    if (header == null || header.isBlank()) {
      throw new ConfigurationException("IDENTITY_ENDPOINT is set but IDENTITY_HEADER is not; enable the managed"
          + " identity of this App Service/Function (both variables are set by the platform).");
    }
    URI url = URI.create(base + (base.toString().contains("?") ? "&" : "?") + "api-version=2019-08-01&" + query());
    return accessToken(http.sendExternal(url, Map.of("X-IDENTITY-HEADER", header.trim()),
        "getting a managed-identity token from IDENTITY_ENDPOINT"));
  }

  private String imdsToken(VaultHttp http) {
    URI url = imds.resolve("/metadata/identity/oauth2/token?api-version=2018-02-01&" + query());
    return accessToken(http.sendExternal(url, Map.of("Metadata", "true"),
        "getting a managed-identity token from the Azure instance metadata service"));
  }

  private JsonNode instance(VaultHttp http) {
    JsonNode i = instance;
    if (i == null) {
      String what = "reading the Azure instance metadata (subscription, resource group, VM name)";
      VaultHttp.Response r = http.sendExternal(imds.resolve("/metadata/instance?api-version=2021-02-01"),
          Map.of("Metadata", "true"), what);
      if (!r.ok()) {
        throw r.status() >= 500 || r.status() == 429 ? VaultErrors.unavailable(r, what)
            : new ConfigurationException("The Azure instance metadata service answered HTTP " + r.status() + " while "
                + what + ". Set subscription-id, resource-group and vm-name or vmss-name in secrets.provider.");
      }
      i = r.body();
      instance = i;
    }
    return i;
  }

  private String accessToken(VaultHttp.Response r) {
    String what = "getting a managed-identity token for auth=azure";
    if (r.ok() && !r.body().path("access_token").asText("").isEmpty()) {
      return r.body().path("access_token").asText();
    }
    if (r.status() >= 500 || r.status() == 429 || r.status() == 410) {
      throw VaultErrors.unavailable(r, what);
    }
    String error = r.body().path("error").asText("");
    throw new SecretAccessDeniedException("No managed-identity token for auth=azure (HTTP " + r.status()
        + (error.isEmpty() ? "" : ", " + error) + "). Enable a managed identity on this resource"
        + settings.auth("client-id").map(c -> ", check that client-id " + c + " is assigned to it").orElse("")
        + ", and check resource=" + settings.auth("resource").orElse(DEFAULT_RESOURCE) + ".");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  String refusedHint() {
    return "Check that role '" + role + "' exists at auth/" + mount + "/role/ and binds this identity"
        + " (bound_service_principal_ids, bound_subscription_ids or bound_resource_groups), and that Vault's"
        + " azure config resource matches resource=" + settings.auth("resource").orElse(DEFAULT_RESOURCE) + ".";
  }

  /** Drops the instance metadata read from IMDS: a restored clone runs on another VM. */
  @Override
  public void forget() {
    instance = null;
  }
}
