package io.secretsbroker.vault;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secretsbroker.ConfigurationException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Vault's AWS auth method, IAM flavour: a SigV4-signed {@code sts:GetCallerIdentity} request is
 * built (never sent) with the AWS SDK's signer and the default credentials chain (in Lambda: the
 * execution role), then handed to Vault, which replays it to STS to learn who is calling.
 *
 * <p>{@code role} picks the Vault role (default: Vault's, the IAM principal's friendly name);
 * {@code header-value} adds the {@code X-Vault-AWS-IAM-Server-ID} header (signed) that a Vault
 * configured with {@code iam_server_id_header_value} requires; {@code sts-region} signs for a
 * regional STS endpoint (Vault's {@code sts_endpoint}/{@code sts_region} must match). Thread-safe.
 */
final class AwsIamAuth extends LoginAuth {
  static final String BODY = "Action=GetCallerIdentity&Version=2011-06-15";
  static final String SERVER_ID_HEADER = "X-Vault-AWS-IAM-Server-ID";

  private final String headerValue;
  private final String region;
  private final URI stsUrl;
  private final AwsCredentialsProvider credentials;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  AwsIamAuth(VaultSettings s, AwsCredentialsProvider credentials, Clock clock) {
    super("aws", s.authMount, s.auth("role").orElse(null), clock);
    this.headerValue = s.auth("header-value").orElse(null);
    String stsRegion = s.auth("sts-region").orElse(null);
    this.region = stsRegion == null ? "us-east-1" : stsRegion;
    this.stsUrl = URI.create(stsRegion == null ? "https://sts.amazonaws.com/" : "https://sts." + stsRegion + ".amazonaws.com/");
    this.credentials = credentials;
  }

  @Override
  ObjectNode body(VaultHttp http) {
    AwsCredentials identity;
    try {
      identity = credentials.resolveCredentials();
    } catch (RuntimeException e) {
      throw new ConfigurationException("auth=aws found no AWS credentials (" + e.getClass().getSimpleName()
          + "). In Lambda, ECS or EC2 the execution/instance role provides them; locally, configure a profile"
          + " or SSO session for the AWS default credentials chain.", e);
    }
    byte[] payload = BODY.getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest.Builder request = SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(stsUrl)
        .putHeader("Host", stsUrl.getHost())
        .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    if (headerValue != null) {
      request.putHeader(SERVER_ID_HEADER, headerValue);
    }
    SignedRequest signed = signer.sign(r -> r
        .identity(identity)
        .request(request.build())
        .payload(ContentStreamProvider.fromByteArray(payload))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region));
    ObjectNode headers = VaultHttp.object();
    for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
      ArrayNode values = headers.putArray(h.getKey());
      h.getValue().forEach(values::add);
    }
    Base64.Encoder b64 = Base64.getEncoder();
    ObjectNode body = withRole();
    body.put("iam_http_request_method", "POST");
    body.put("iam_request_url", b64.encodeToString(stsUrl.toString().getBytes(StandardCharsets.UTF_8)));
    body.put("iam_request_body", b64.encodeToString(payload));
    body.put("iam_request_headers", b64.encodeToString(headers.toString().getBytes(StandardCharsets.UTF_8)));
    return body;
  }

  @Override
  String refusedHint() {
    return "Check that the Vault role" + (role == null ? " named after this IAM principal" : " '" + role + "'")
        + " exists at auth/" + mount + "/role/ with auth_type=iam and bound_iam_principal_arn matching this"
        + " function's execution role"
        + (headerValue == null ? ", and whether Vault requires header-value (iam_server_id_header_value)." : ".");
  }

  /** Drops the AWS credentials the default chain cached (the function's role session). */
  @Override
  public void forget() {
    if (credentials instanceof ResettableCredentials r) {
      r.reset();
    }
  }
}
