package io.secretsbroker.aws;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.ProviderUnavailableException;
import io.secretsbroker.SecretAccessDeniedException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.SecretsException;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Maps AWS Secrets Manager errors onto the {@link SecretsException} taxonomy.
 *
 * <p>Design note: callers act on the type, so the mapping is by AWS error code (the {@code __type}
 * of the JSON error body, or a batch entry's {@code ErrorCode}), with the HTTP status as the
 * fallback: 5xx and throttling are transient ({@link ProviderUnavailableException}, the only type
 * the client retries), everything else is not. Messages name the secret, the provider and the IAM
 * action or setting to fix. AWS error messages never carry secret values, so the SDK exception is
 * kept as the cause; our own messages quote only the AWS error code.
 */
final class AwsErrors {
  static final String GET = "secretsmanager:GetSecretValue";
  static final String BATCH_GET = "secretsmanager:BatchGetSecretValue";
  static final String PUT = "secretsmanager:PutSecretValue";
  static final String UPDATE_STAGE = "secretsmanager:UpdateSecretVersionStage";

  private static final Set<String> THROTTLING = Set.of("ThrottlingException", "Throttling",
      "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "SlowDown");
  private static final Set<String> BAD_CREDENTIALS = Set.of("UnrecognizedClientException",
      "InvalidClientTokenId", "ExpiredTokenException", "ExpiredToken", "InvalidSignatureException",
      "IncompleteSignature", "MissingAuthenticationToken", "SignatureDoesNotMatch", "RequestExpired");

  private AwsErrors() {}

  /** Maps an exception the SDK threw while calling {@code action} for secret {@code name}. */
  static SecretsException map(SdkException e, String name, String action, String providerId) {
    if (e instanceof AwsServiceException ase) {
      AwsErrorDetails details = ase.awsErrorDetails();
      String code = details == null ? null : details.errorCode();
      String awsMessage = details == null ? null : details.errorMessage();
      if (ase.isThrottlingException() && !THROTTLING.contains(code)) {
        code = "ThrottlingException";
      }
      return byCode(code, ase.statusCode(), awsMessage, name, action, providerId, e);
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return new ProviderUnavailableException("AWS Secrets Manager did not answer in time for secret '" + name
          + "' (provider " + providerId + "). The call is retryable; if it persists, check the network path to"
          + " the Secrets Manager endpoint (VPC endpoint or NAT for a Lambda in a VPC).", e);
    }
    String text = String.valueOf(e.getMessage());
    if (text.contains("Unable to load credentials")) {
      return new SecretAccessDeniedException("No AWS credentials were found for secret '" + name + "' (provider "
          + providerId + "): the SDK's default credential chain (environment, system properties, web identity,"
          + " profile, container and instance roles) gave none. In Lambda, give the function an execution role"
          + " allowing " + action + "; locally, set AWS_PROFILE or the profile parameter of secrets.provider.", e);
    }
    if (text.contains("Unable to load region") || text.contains("Unable to load an HTTP implementation")) {
      return new ConfigurationException("The AWS client for provider " + providerId + " is misconfigured: "
          + text + " Set region in secrets.provider, e.g. aws://?region=eu-west-1.", e);
    }
    if (io.secretsbroker.spi.Transport.isMalformedResponse(e)) {
      return new ProviderUnavailableException("AWS Secrets Manager answered the request for secret '" + name
          + "' (provider " + providerId + ") with a response that could not be parsed (" + e.getClass().getSimpleName()
          + "). The network is fine: check that the endpoint is Secrets Manager itself, not a proxy or a captive"
          + " portal answering in its place. The call is retryable.", e);
    }
    return new ProviderUnavailableException("Could not reach AWS Secrets Manager for secret '" + name
        + "' (provider " + providerId + "): " + e.getClass().getSimpleName()
        + ". The call is retryable; check the network path to the endpoint.", e);
  }

  /**
   * Maps one error code; {@code status} is the HTTP status, or -1 for a per-secret entry of a
   * batch answer.
   */
  static SecretsException byCode(String code, int status, String awsMessage, String name, String action,
      String providerId, Throwable cause) {
    String c = code == null ? "" : code;
    String where = "secret '" + name + "' (provider " + providerId + ")";
    if (c.equals("ResourceNotFoundException")) {
      return new SecretNotFoundException("AWS Secrets Manager has no " + where + ", or not the version or staging"
          + " label asked for. Check the name, the secrets.env / secrets.name-template mapping and the region.",
          cause);
    }
    if (c.equals("InvalidRequestException") && mentionsDeletion(awsMessage)) {
      return new SecretNotFoundException("AWS Secrets Manager " + where + " is scheduled for deletion. Restore it"
          + " (aws secretsmanager restore-secret) or stop reading it.", cause);
    }
    if (c.equals("AccessDeniedException")) {
      return new SecretAccessDeniedException("Access denied to " + where + ": grant the function's IAM role "
          + action + " on this secret (resource arn:aws:secretsmanager:<region>:<account>:secret:" + name
          + "-*), and check the secret's resource policy and any SCP.", cause);
    }
    if (c.equals("DecryptionFailure") || c.equals("DecryptionFailureException")) {
      return new SecretAccessDeniedException("AWS Secrets Manager could not decrypt " + where + " with its KMS key:"
          + " grant the function's IAM role kms:Decrypt on that key (and check the key policy, and that the key"
          + " is enabled).", cause);
    }
    if (c.equals("EncryptionFailure") || c.equals("EncryptionFailureException")) {
      return new SecretAccessDeniedException("AWS Secrets Manager could not encrypt a new version of " + where
          + " with its KMS key: grant the role kms:GenerateDataKey and kms:Decrypt on that key, and check that"
          + " the key is enabled.", cause);
    }
    if (BAD_CREDENTIALS.contains(c)) {
      return new SecretAccessDeniedException("AWS rejected the credentials used for " + where + " (" + c + "):"
          + " they are unknown, expired or not signed for this region. Check the execution role, AWS_PROFILE or"
          + " the profile parameter of secrets.provider, and the region.", cause);
    }
    if (THROTTLING.contains(c) || status == 429) {
      return new ProviderUnavailableException("AWS Secrets Manager throttled the request for " + where + " ("
          + (c.isEmpty() ? "HTTP 429" : c) + "). Retryable; if it persists, read less often (raise"
          + " secrets.cache.refresh-after) or request a higher GetSecretValue quota.", cause);
    }
    if (c.equals("InternalServiceError") || c.equals("InternalServiceErrorException")
        || c.equals("ServiceUnavailable") || status >= 500) {
      return new ProviderUnavailableException("AWS Secrets Manager failed on its side for " + where + " ("
          + (c.isEmpty() ? "HTTP " + status : c) + "). Retryable.", cause);
    }
    if (c.equals("LimitExceededException")) {
      return new SecretsException("AWS Secrets Manager refused " + action + " for " + where + " because a quota"
          + " would be exceeded (for example about 100 versions per secret). Let old versions age out or raise"
          + " the quota; the call is not retried.", cause);
    }
    return new SecretsException("AWS Secrets Manager rejected " + action + " for " + where + " ("
        + (c.isEmpty() ? "HTTP " + status : c) + (awsMessage == null ? "" : ": " + awsMessage) + ").", cause);
  }

  private static boolean mentionsDeletion(String awsMessage) {
    return awsMessage != null && awsMessage.toLowerCase(Locale.ROOT).contains("deletion");
  }
}
