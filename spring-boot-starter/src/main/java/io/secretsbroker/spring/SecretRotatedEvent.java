package io.secretsbroker.spring;

import java.util.Objects;
import org.springframework.context.ApplicationEvent;

/**
 * Published on the application context when the client sees a new version of a secret: a refresh
 * (background refresh-ahead, {@code SecretsClient.refresh}) found a different version id, or
 * {@code SecretsClient.rotate} promoted one. It carries the caller's name of the secret and the new
 * version id, never the value: read the value from the {@code SecretsClient} bean.
 *
 * <p>By the time listeners receive it, {@code ${secrets.<name>}} placeholders already resolve to
 * the new value and the {@code @ConfigurationProperties} beans bound to them have been rebound.
 * It is published on the thread that saw the new version (often the client's background executor),
 * once per version. Immutable and thread-safe.
 */
public final class SecretRotatedEvent extends ApplicationEvent {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String versionId;

  /**
   * @param source the publisher (the starter's bridge bean)
   * @param name the caller's name of the secret ({@code "db"})
   * @param versionId the new current version id, or null when the store reports none
   */
  public SecretRotatedEvent(Object source, String name, String versionId) {
    super(source);
    this.name = Objects.requireNonNull(name, "name");
    this.versionId = versionId;
  }

  /** The caller's name of the secret ({@code "db"}, not {@code "prod/db"}). */
  public String name() {
    return name;
  }

  /** The new current version id (null when the store reports none). */
  public String versionId() {
    return versionId;
  }

  @Override
  public String toString() {
    return "SecretRotatedEvent[name=" + name + ", versionId=" + versionId + "]";
  }
}
