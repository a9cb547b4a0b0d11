package io.secretsbroker;

/**
 * The root of every error Secrets Broker raises. Unchecked.
 *
 * <p>Subclasses tell callers what happened so they can act on the type, never on the message:
 * {@link SecretNotFoundException}, {@link SecretAccessDeniedException},
 * {@link ProviderUnavailableException}, {@link SecretNotAllowedException},
 * {@link GuardViolationException}, {@link ConfigurationException},
 * {@link InvalidSecretNameException}, {@link ClientClosedException}, {@link SecretFormatException},
 * {@link RotationFailedException} and its {@link RotationConflictException}. Messages name the secret, the provider and what to do next; they
 * never contain a secret value.
 */
public class SecretsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SecretsException(String message) {
    super(message);
  }

  public SecretsException(String message, Throwable cause) {
    super(message, cause);
  }
}
