package io.secretsbroker.benchmarks.fleet;

/**
 * How long our client's store calls take, in seconds, for {@link SecretsBrokerPolicy}: the cold
 * start's calls (single reads on the first invocation, or the prefetch's batch calls) apart from
 * the refreshes', since a deploy storm loads the store far more than the steady state does, and
 * the first invocation's reads one by one, since its {@code k}-th read meets the whole fleet's
 * {@code k}-th reads (the instances start together). An entry counts as loaded when its call ends.
 * Deterministic: one figure per kind of call.
 *
 * @param coldReads the first invocation's {@code k}-th cold single read ({@code GetSecretValue}),
 *     for {@code k} from 0
 * @param coldSingle a cold single read past those listed in {@code coldReads}
 * @param coldBatch a prefetch batch call ({@code BatchGetSecretValue})
 * @param single a background refresh of one entry
 * @param batch a background batch refresh
 */
record CallLatency(java.util.List<Double> coldReads, double coldSingle, double coldBatch, double single,
    double batch) {
  static final CallLatency NONE = of(0, 0);

  CallLatency {
    coldReads = java.util.List.copyOf(coldReads);
    if (coldSingle < 0 || coldBatch < 0 || single < 0 || batch < 0 || coldReads.stream().anyMatch(l -> l < 0)) {
      throw new IllegalArgumentException("negative call latency");
    }
  }

  CallLatency(double coldSingle, double coldBatch, double single, double batch) {
    this(java.util.List.of(), coldSingle, coldBatch, single, batch);
  }

  /** The same latency for cold and refresh calls of each kind. */
  static CallLatency of(double single, double batch) {
    return new CallLatency(single, batch, single, batch);
  }

  /** The first invocation's {@code k}-th cold read. */
  double coldRead(int k) {
    return k < coldReads.size() ? coldReads.get(k) : coldSingle;
  }

  boolean isZero() {
    return equals(NONE);
  }

  @Override
  public String toString() {
    StringBuilder reads = new StringBuilder();
    for (double l : coldReads) {
      reads.append(reads.length() == 0 ? "" : "/").append(Math.round(1000 * l));
    }
    return String.format(java.util.Locale.ROOT, "cold %.1f ms single%s, %.1f ms batch; refresh %.1f ms single,"
        + " %.1f ms batch", 1000 * coldSingle, coldReads.isEmpty() ? "" : " (read by read: " + reads + " ms)",
        1000 * coldBatch, 1000 * single, 1000 * batch);
  }
}
