package io.secretsbroker.jdbc;

import io.secretsbroker.RotationConflictException;
import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.VersionStage;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-secret store with AWS-style stages (CURRENT, PREVIOUS, PENDING), implementing the SPI's
 * staging contract, for the tests of the PREVIOUS/PENDING login fallback: the outside rotation of
 * a rotation Lambda stages the new value as PENDING, changes the database, and promotes later.
 * Thread-safe (one lock).
 */
final class StagedStore implements SecretProvider {
  private final Map<VersionStage, SecretRecord> stages = new EnumMap<>(VersionStage.class);
  private final AtomicInteger versions = new AtomicInteger();
  final AtomicLong fetches = new AtomicLong();
  final AtomicLong stageReads = new AtomicLong();

  synchronized StagedStore seed(String name, String value) {
    stages.put(VersionStage.CURRENT, record(name, value));
    return this;
  }

  private SecretRecord record(String name, String value) {
    return new SecretRecord(name, "v" + versions.incrementAndGet(), value.getBytes(StandardCharsets.UTF_8),
        Instant.now());
  }

  @Override
  public String id() {
    return "staged-test-store";
  }

  @Override
  public synchronized SecretRecord fetch(String name) {
    fetches.incrementAndGet();
    return copy(get(name, VersionStage.CURRENT));
  }

  @Override
  public synchronized SecretRecord fetchStage(String name, VersionStage stage) {
    stageReads.incrementAndGet();
    return copy(get(name, stage));
  }

  private SecretRecord get(String name, VersionStage stage) {
    SecretRecord r = stages.get(stage);
    if (r == null || !r.name().equals(name)) {
      throw new SecretNotFoundException("Secret '" + name + "' has no " + stage + " version in " + id());
    }
    return r;
  }

  @Override
  public boolean supportsStaging() {
    return true;
  }

  @Override
  public synchronized SecretRecord stage(String name, String expectedCurrentVersionId, byte[] value) {
    SecretRecord cur = get(name, VersionStage.CURRENT);
    if (!cur.versionId().equals(expectedCurrentVersionId)) {
      throw new RotationConflictException("current is " + cur.versionId());
    }
    SecretRecord p = record(name, new String(value, StandardCharsets.UTF_8));
    stages.put(VersionStage.PENDING, p);
    return copy(p);
  }

  /** The outside rotation's first step: stage a candidate. */
  synchronized SecretRecord stage(String name, String value) {
    return stage(name, get(name, VersionStage.CURRENT).versionId(), value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public synchronized SecretRecord promote(String name, String pendingVersionId, String expectedCurrentVersionId) {
    SecretRecord cur = get(name, VersionStage.CURRENT);
    SecretRecord p = get(name, VersionStage.PENDING);
    if (!cur.versionId().equals(expectedCurrentVersionId) || !p.versionId().equals(pendingVersionId)) {
      throw new RotationConflictException("current is " + cur.versionId());
    }
    stages.put(VersionStage.PREVIOUS, cur);
    stages.put(VersionStage.CURRENT, p);
    stages.remove(VersionStage.PENDING);
    return copy(p);
  }

  /** The outside rotation's last step: promote whatever is pending. */
  synchronized void promote(String name) {
    promote(name, get(name, VersionStage.PENDING).versionId(), get(name, VersionStage.CURRENT).versionId());
  }

  @Override
  public synchronized void discardPending(String name, String pendingVersionId) {
    SecretRecord p = stages.get(VersionStage.PENDING);
    if (p != null && p.versionId().equals(pendingVersionId)) {
      stages.remove(VersionStage.PENDING);
    }
  }

  @Override
  public synchronized SecretRecord put(String name, byte[] value) {
    SecretRecord cur = stages.get(VersionStage.CURRENT);
    if (cur != null) {
      stages.put(VersionStage.PREVIOUS, cur);
    }
    SecretRecord r = record(name, new String(value, StandardCharsets.UTF_8));
    stages.put(VersionStage.CURRENT, r);
    return copy(r);
  }

  private static SecretRecord copy(SecretRecord r) {
    return new SecretRecord(r.name(), r.versionId(), r.value().clone(), r.createdOn());
  }

  @Override
  public void close() {}
}
