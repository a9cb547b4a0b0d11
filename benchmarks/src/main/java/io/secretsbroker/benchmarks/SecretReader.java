package io.secretsbroker.benchmarks;

/**
 * One contender in a benchmark, reduced to what the benchmarks need: read a secret, and say how
 * many calls reached the backend. Built by {@link Rival#open(Rival.Setup)}.
 *
 * <p>Threads: {@link #get} is as thread-safe as the contender it wraps (all of them are safe for
 * concurrent readers); the counters are exact at any time. Failure behaviour: {@link #get} throws
 * whatever the contender throws.
 */
public interface SecretReader extends AutoCloseable {

  /** The secret's current value as text, the way the contender's users read it. */
  String get(String name);

  /** Every call that reached the backend (provider fetches; for AWS, DescribeSecret + GetSecretValue). */
  long backendCalls();

  /** The backend calls broken down for a person, e.g. {@code "fetch=1"} or {@code "describe=1 get=1"}. */
  String backendCallDetail();

  /** Backend calls in progress right now (a refresh or load is in flight while this is above 0). */
  int inFlight();

  @Override
  void close();
}
