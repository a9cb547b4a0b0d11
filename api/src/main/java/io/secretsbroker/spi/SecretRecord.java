package io.secretsbroker.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One version of a secret as a provider returned it.
 *
 * <p>{@code value} is the raw bytes (UTF-8 for text secrets). The array is not copied: a provider
 * hands over a fresh array and the cache owns it from then on (so it can zero it on eviction).
 * {@code expiresOn} is when the value stops being valid (an Azure secret's expiry, a Vault lease
 * end); the cache refreshes before it. {@code metadata} carries provider facts that are not secret
 * (content type, enabled flag, lease id, staging labels); never a value.
 *
 * <p>{@link #toString()} never shows the value. Immutable apart from the value array.
 */
public record SecretRecord(
    String name,
    String versionId,
    byte[] value,
    Instant createdOn,
    Instant expiresOn,
    Map<String, String> metadata) {

  public SecretRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** The four facts every provider has: name, version, value and creation time. */
  public SecretRecord(String name, String versionId, byte[] value, Instant createdOn) {
    this(name, versionId, value, createdOn, null, Map.of());
  }

  /** A copy with another name (the portable name, where the provider-side name differs). */
  public SecretRecord withName(String newName) {
    return new SecretRecord(newName, versionId, value, createdOn, expiresOn, metadata);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretRecord r
        && name.equals(r.name)
        && Objects.equals(versionId, r.versionId)
        && java.util.Arrays.equals(value, r.value)
        && Objects.equals(createdOn, r.createdOn)
        && Objects.equals(expiresOn, r.expiresOn)
        && metadata.equals(r.metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, versionId, createdOn);
  }

  @Override
  public String toString() {
    return "SecretRecord[name=" + name + ", versionId=" + versionId + ", value=****("
        + value.length + " bytes), createdOn=" + createdOn
        + (expiresOn == null ? "" : ", expiresOn=" + expiresOn)
        + (metadata.isEmpty() ? "" : ", metadata=" + metadata) + "]";
  }
}
