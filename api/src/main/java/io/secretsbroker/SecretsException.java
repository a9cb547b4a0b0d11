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
 * never contain a secret value: every message passes through {@link Redactor#global()} when the
 * exception is made, so a value this process holds is masked even when it was passed as a name or
 * came back inside a provider's error text.
 */
public class SecretsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SecretsException(String message) {
    super(Redactor.global().redact(message));
  }

  public SecretsException(String message, Throwable cause) {
    super(Redactor.global().redact(message), cause);
  }
}
