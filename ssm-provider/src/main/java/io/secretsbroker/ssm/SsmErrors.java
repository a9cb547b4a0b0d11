package io.secretsbroker.ssm;

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
 * Maps AWS SSM Parameter Store errors onto the {@link SecretsException} taxonomy.
 *
 * <p>Design note: callers act on the type, so the mapping is by the AWS error code (the
 * {@code __type} of the JSON 1.1 error body), with the HTTP status as the fallback: 5xx and
 * throttling are transient ({@link ProviderUnavailableException}, the only type the client
 * retries), everything else is not. KMS failures reach SSM callers in several spellings (an
 * {@code AccessDeniedException} whose message names {@code kms:Decrypt} or AWSKMS, or the KMS codes
 * {@code KMSAccessDeniedException}, {@code KMSDisabledException}, {@code KMSInvalidStateException},
 * {@code InvalidKeyId}); all of them become {@link SecretAccessDeniedException} naming the key
 * permission. AWS error messages never carry parameter values, so the SDK exception is kept as the
 * cause; our messages quote only the error code. The credential and timeout cases follow
 * {@code aws-provider}'s {@code AwsErrors}.
 */
final class SsmErrors {
  static final String GET = "ssm:GetParameter";
  static final String GET_BATCH = "ssm:GetParameters";
  static final String PUT = "ssm:PutParameter";
  static final String DELETE = "ssm:DeleteParameter";

  private static final Set<String> THROTTLING = Set.of("ThrottlingException", "Throttling",
      "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "TooManyUpdates");
  private static final Set<String> KMS = Set.of("KMSAccessDeniedException", "KMSAccessDenied",
      "KMSDisabledException", "KMSInvalidStateException", "KMSNotFoundException", "InvalidKeyId",
      "DisabledException", "KMSOptInRequired");
  private static final Set<String> BAD_CREDENTIALS = Set.of("UnrecognizedClientException",
      "InvalidClientTokenId", "ExpiredTokenException", "ExpiredToken", "InvalidSignatureException",
      "IncompleteSignature", "MissingAuthenticationToken", "SignatureDoesNotMatch", "RequestExpired");

  private SsmErrors() {}

  /**
   * Maps an exception the SDK threw while calling {@code action} on parameter {@code parameter}
   * (the secret {@code name}); {@code kmsKey} is the configured key, or null.
   */
  static SecretsException map(SdkException e, String name, String parameter, String action, String kmsKey,
      String providerId) {
    if (e instanceof AwsServiceException ase) {
      AwsErrorDetails details = ase.awsErrorDetails();
      String code = details == null ? null : details.errorCode();
      String awsMessage = details == null ? null : details.errorMessage();
      if (ase.isThrottlingException() && (code == null || !THROTTLING.contains(code))) {
        code = "ThrottlingException";
      }
      return byCode(code, ase.statusCode(), awsMessage, name, parameter, action, kmsKey, providerId, e);
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return new ProviderUnavailableException("AWS SSM Parameter Store did not answer in time for secret '" + name
          + "' (provider " + providerId + "). The call is retryable; if it persists, check the network path to"
          + " the SSM endpoint (a VPC endpoint or NAT for a Lambda in a VPC).", e);
    }
    String text = String.valueOf(e.getMessage());
    if (text.contains("Unable to load credentials")) {
      return new SecretAccessDeniedException("No AWS credentials were found for secret '" + name + "' (provider "
          + providerId + "): the SDK's default credential chain (environment, system properties, web identity,"
          + " profile, container and instance roles) gave none. In Lambda, give the function an execution role"
          + " allowing " + action + "; locally, set AWS_PROFILE or AWS_ACCESS_KEY_ID.", e);
    }
    if (text.contains("Unable to load region") || text.contains("Unable to load an HTTP implementation")) {
      return new ConfigurationException("The AWS SSM client for provider " + providerId + " is misconfigured: "
          + text + " Set region in secrets.provider, e.g. ssm://?region=eu-west-1.", e);
    }
    return new ProviderUnavailableException("Could not reach AWS SSM Parameter Store for secret '" + name
        + "' (provider " + providerId + "): " + e.getClass().getSimpleName()
        + ". The call is retryable; check the network path to the endpoint.", e);
  }

  /** Maps one error code; {@code status} is the HTTP status. */
  static SecretsException byCode(String code, int status, String awsMessage, String name, String parameter,
      String action, String kmsKey, String providerId, Throwable cause) {
    String c = code == null ? "" : code;
    String where = "secret '" + name + "' (parameter " + parameter + ", provider " + providerId + ")";
    boolean write = action.equals(PUT);
    if (c.equals("ParameterNotFound") || c.equals("ParameterVersionNotFound")) {
      return new SecretNotFoundException("AWS SSM Parameter Store has no " + where
          + (c.equals("ParameterVersionNotFound") ? " in the version or label asked for" : "")
          + ". Check the name, the secrets.env / secrets.name-template mapping (db with env prod is /prod/db)"
          + " and the region.", cause);
    }
    if (KMS.contains(c) || (c.equals("AccessDeniedException") && mentionsKms(awsMessage))) {
      String key = kmsKey != null ? "the KMS key " + kmsKey : "the parameter's KMS key (alias/aws/ssm unless a"
          + " customer managed key encrypts it)";
      String permission = write ? "kms:Encrypt and kms:GenerateDataKey" : "kms:Decrypt";
      return new SecretAccessDeniedException("AWS KMS refused to " + (write ? "encrypt" : "decrypt") + " " + where
          + " (" + c + "): grant the function's IAM role " + permission + " on " + key
          + ", check that the key policy allows it, and that the key is enabled (not disabled or pending"
          + " deletion).", cause);
    }
    if (c.equals("AccessDeniedException")) {
      return new SecretAccessDeniedException("Access denied to " + where + ": grant the function's IAM role "
          + action + " on this parameter (resource arn:aws:ssm:<region>:<account>:parameter"
          + (parameter.startsWith("/") ? "" : "/") + parameter + "), and check any SCP or permission boundary."
          + " secretsbroker-guard policy --provider ssm prints that policy.", cause);
    }
    if (BAD_CREDENTIALS.contains(c)) {
      return new SecretAccessDeniedException("AWS rejected the credentials used for " + where + " (" + c + "):"
          + " they are unknown, expired or not signed for this region. Check the execution role, AWS_PROFILE"
          + " and the region.", cause);
    }
    if (THROTTLING.contains(c) || status == 429) {
      return new ProviderUnavailableException("AWS SSM Parameter Store throttled " + action + " for " + where + " ("
          + (c.isEmpty() ? "HTTP 429" : c) + "). Retryable after a back-off. Parameter Store allows 40"
          + " transactions per second by default: read less often (raise secrets.cache.refresh-after), load"
          + " names together (secrets.prefetch reads 10 per GetParameters call), or turn on higher throughput"
          + " (setting /ssm/parameter-store/high-throughput-enabled).", cause);
    }
    if (c.equals("InternalServerError") || c.equals("ServiceUnavailable") || status >= 500) {
      return new ProviderUnavailableException("AWS SSM Parameter Store failed on its side for " + where + " ("
          + (c.isEmpty() ? "HTTP " + status : c) + "). Retryable.", cause);
    }
    if (c.equals("ParameterLimitExceeded") || c.equals("ParameterMaxVersionLimitExceeded")
        || c.equals("HierarchyLevelLimitExceededException") || c.equals("ParameterVersionLabelLimitExceeded")) {
      return new SecretsException("AWS SSM Parameter Store refused " + action + " for " + where + " because a"
          + " quota would be exceeded (" + c + ": parameters per account, 100 versions per parameter, 15"
          + " hierarchy levels or 10 labels per version). Delete what is unused or raise the quota; the call is"
          + " not retried.", cause);
    }
    return new SecretsException("AWS SSM Parameter Store rejected " + action + " for " + where + " ("
        + (c.isEmpty() ? "HTTP " + status : c) + (awsMessage == null ? "" : ": " + awsMessage) + ").", cause);
  }

  private static boolean mentionsKms(String awsMessage) {
    if (awsMessage == null) {
      return false;
    }
    String m = awsMessage.toLowerCase(Locale.ROOT);
    return m.contains("kms:") || m.contains("awskms") || m.contains("kms key") || m.contains("ciphertext");
  }
}
