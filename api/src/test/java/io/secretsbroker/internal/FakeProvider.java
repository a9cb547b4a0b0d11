package io.secretsbroker.internal;

import io.secretsbroker.SecretNotFoundException;
import io.secretsbroker.spi.SecretNames;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A versioned in-memory provider with call counts, scripted failures and a gate, for core tests. */
final class FakeProvider implements SecretProvider {
  final Map<String, List<SecretRecord>> versions = new ConcurrentHashMap<>();
  final AtomicInteger fetches = new AtomicInteger();
  final AtomicInteger fetchAlls = new AtomicInteger();
  final AtomicInteger puts = new AtomicInteger();
  final List<String> fetchedNames = java.util.Collections.synchronizedList(new ArrayList<>());
  /** Every value array handed to the client (the cache owns them; hygiene tests check they end up zeroed). */
  final List<byte[]> handedOut = new java.util.concurrent.CopyOnWriteArrayList<>();
  volatile Supplier<RuntimeException> failure;
  volatile int failuresLeft;
  volatile CountDownLatch gate;
  volatile CountDownLatch entered = new CountDownLatch(1);
  volatile boolean closed;
  final AtomicInteger closes = new AtomicInteger();
  /** Runs once, inside the next fetch, after the value was read and before it is returned. */
  volatile Runnable afterRead;

  String set(String name, String value) {
    return set(name, value.getBytes(StandardCharsets.UTF_8));
  }

  synchronized String set(String name, byte[] value) {
    List<SecretRecord> list = versions.computeIfAbsent(name, k -> new ArrayList<>());
    String v = String.valueOf(list.size() + 1);
    list.add(new SecretRecord(name, v, value, Instant.EPOCH));
    return v;
  }

  /** The next {@code n} calls fail with the supplied exception. */
  void failNext(int n, Supplier<RuntimeException> f) {
    failure = f;
    failuresLeft = n;
  }

  void failAlways(Supplier<RuntimeException> f) {
    failNext(Integer.MAX_VALUE, f);
  }

  void heal() {
    failuresLeft = 0;
  }

  private synchronized RuntimeException nextFailure() {
    if (failuresLeft > 0) {
      failuresLeft--;
      return failure.get();
    }
    return null;
  }

  private void pass() {
    entered.countDown();
    CountDownLatch g = gate;
    if (g != null) {
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    RuntimeException f = nextFailure();
    if (f != null) {
      throw f;
    }
  }

  @Override
  public String id() {
    return "fake";
  }

  @Override
  public SecretRecord fetch(String name) {
    fetches.incrementAndGet();
    fetchedNames.add(name);
    SecretNames.validate(name);
    pass();
    List<SecretRecord> list = versions.get(name);
    if (list == null) {
      throw new SecretNotFoundException("Secret '" + name + "' not found in fake");
    }
    SecretRecord read;
    synchronized (this) {
      read = handOut(list.get(list.size() - 1));
    }
    Runnable hook = afterRead;
    if (hook != null) {
      afterRead = null;
      hook.run();
    }
    return read;
  }

  @Override
  public Map<String, SecretRecord> fetchAll(Set<String> names) {
    fetchAlls.incrementAndGet();
    pass();
    Map<String, SecretRecord> out = new LinkedHashMap<>();
    for (String n : names) {
      if (versions.containsKey(n)) {
        List<SecretRecord> list = versions.get(n);
        out.put(n, handOut(list.get(list.size() - 1)));
      }
    }
    return out;
  }

  @Override
  public SecretRecord put(String name, byte[] value) {
    puts.incrementAndGet();
    pass();
    String v = set(name, value.clone());
    return new SecretRecord(name, v, value.clone(), Instant.EPOCH);
  }

  // ---------------------------------------------------------------- staging (compare-and-set)

  /** name -> the pending candidate; its metadata records the version it was staged from. */
  final Map<String, SecretRecord> pending = new ConcurrentHashMap<>();
  final AtomicInteger stages = new AtomicInteger();
  final AtomicInteger promotes = new AtomicInteger();
  final AtomicInteger discards = new AtomicInteger();
  private final AtomicInteger pendingIds = new AtomicInteger();

  @Override
  public boolean supportsStaging() {
    return true;
  }

  final AtomicInteger stageReads = new AtomicInteger();

  @Override
  public synchronized SecretRecord fetchStage(String name, io.secretsbroker.VersionStage stage) {
    stageReads.incrementAndGet();
    List<SecretRecord> list = versions.get(name);
    if (list == null) {
      throw new SecretNotFoundException("Secret '" + name + "' not found in fake");
    }
    switch (stage) {
      case CURRENT:
        return handOut(list.get(list.size() - 1));
      case PREVIOUS:
        if (list.size() < 2) {
          throw new SecretNotFoundException("Secret '" + name + "' has no previous version in fake");
        }
        return handOut(list.get(list.size() - 2));
      default:
        SecretRecord p = pending.get(name);
        if (p == null) {
          throw new SecretNotFoundException("Secret '" + name + "' has no pending version in fake");
        }
        return handOut(p);
    }
  }

  @Override
  public SecretRecord stage(String name, String expectedCurrentVersionId, byte[] value) {
    stages.incrementAndGet();
    pass();
    synchronized (this) {
      List<SecretRecord> list = versions.get(name);
      if (list == null) {
        throw new SecretNotFoundException("Secret '" + name + "' not found in fake");
      }
      String current = list.get(list.size() - 1).versionId();
      if (!current.equals(expectedCurrentVersionId)) {
        throw new io.secretsbroker.RotationConflictException("Secret '" + name + "' is at version " + current);
      }
      SecretRecord p = new SecretRecord(name, "p" + pendingIds.incrementAndGet(), value.clone(), Instant.EPOCH,
          null, Map.of("stagedFrom", current));
      pending.put(name, p);
      return new SecretRecord(name, p.versionId(), value.clone(), Instant.EPOCH, null, p.metadata());
    }
  }

  @Override
  public SecretRecord promote(String name, String pendingVersionId, String expectedCurrentVersionId) {
    promotes.incrementAndGet();
    pass();
    synchronized (this) {
      List<SecretRecord> list = versions.get(name);
      String current = list.get(list.size() - 1).versionId();
      SecretRecord p = pending.get(name);
      if (!current.equals(expectedCurrentVersionId) || p == null || !p.versionId().equals(pendingVersionId)) {
        throw new io.secretsbroker.RotationConflictException("Secret '" + name + "' is at version " + current);
      }
      pending.remove(name);
      String v = set(name, p.value().clone());
      return new SecretRecord(name, v, p.value().clone(), Instant.EPOCH);
    }
  }

  @Override
  public synchronized void discardPending(String name, String pendingVersionId) {
    discards.incrementAndGet();
    SecretRecord p = pending.get(name);
    if (p != null && p.versionId().equals(pendingVersionId)) {
      pending.remove(name);
    }
  }

  private SecretRecord handOut(SecretRecord r) {
    byte[] copy = r.value().clone();
    handedOut.add(copy);
    return new SecretRecord(r.name(), r.versionId(), copy, r.createdOn(), r.expiresOn(), r.metadata());
  }

  String current(String name) {
    List<SecretRecord> list = versions.get(name);
    return new String(list.get(list.size() - 1).value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    closes.incrementAndGet();
    closed = true;
  }
}
