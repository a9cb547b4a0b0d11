package io.secretsbroker.quarkus;

import io.quarkus.arc.Unremovable;
import io.quarkus.credentials.CredentialsProvider;
import io.secretsbroker.SecretFormatException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.SecretsException;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code secretsbroker} {@link CredentialsProvider}: with
 * {@code quarkus.datasource.credentials-provider=secretsbroker} and
 * {@code quarkus.datasource.credentials-provider-name=db}, Agroal (and the reactive clients) take
 * the {@code user} and {@code password} of each new connection from the JSON secret {@code db}
 * ({@code {"username": ..., "password": ...}}, the shape of AWS RDS secrets; {@code user} is
 * accepted for {@code username}).
 *
 * <p>Rotation: the credentials are read from the client's cache on every call, so after a
 * rotation (a refresh, {@link SecretsClient#refresh}, or {@link SecretsClient#rotate}) the next new
 * connection uses the new password, with no provider call per connection and no restart.
 *
 * <p>Failure: a secret that is not a JSON object with a {@code password} field throws
 * {@link SecretFormatException} naming the secret and the missing field, never a value; other
 * failures are the client's typed {@link SecretsException}s. Thread-safe (stateless). Final: a
 * {@code @Singleton} bean needs no client proxy, and a constructor that rejects a null client must
 * not leave a subclass half-built.
 */
@Singleton
@Named("secretsbroker")
@Unremovable
public final class SecretsBrokerCredentialsProvider implements CredentialsProvider {
  /** The bean name to give {@code quarkus.datasource.credentials-provider}. */
  public static final String NAME = "secretsbroker";

  private final SecretsClient client;

  @Inject
  public SecretsBrokerCredentialsProvider(SecretsClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public Map<String, String> getCredentials(String credentialsProviderName) {
    Objects.requireNonNull(credentialsProviderName, "credentialsProviderName");
    SecretValue value = client.value(credentialsProviderName);
    String user = field(value, "username");
    if (user == null) {
      user = field(value, "user");
    }
    String password = field(value, "password");
    if (password == null) {
      throw new SecretFormatException("Secret '" + credentialsProviderName + "' has no 'password' field. The"
          + " secretsbroker credentials provider needs a JSON object {\"username\": ..., \"password\": ...}"
          + " (the shape of AWS RDS secrets); check quarkus.datasource.credentials-provider-name.");
    }
    return user == null ? Map.of(PASSWORD_PROPERTY_NAME, password)
        : Map.of(USER_PROPERTY_NAME, user, PASSWORD_PROPERTY_NAME, password);
  }

  private static String field(SecretValue value, String field) {
    try {
      return value.field(field);
    } catch (SecretFormatException e) {
      return null;
    } catch (SecretsException e) {
      if (e.getClass() == SecretsException.class) {
        return null; // no such field
      }
      throw e;
    }
  }
}
