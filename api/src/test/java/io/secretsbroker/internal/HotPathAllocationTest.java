package io.secretsbroker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.secretsbroker.SecretsClient;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * With the audit trail and metrics on, a cache hit still allocates nothing: hit events are built
 * only for sinks that ask for them, and metrics read the hit counter.
 */
class HotPathAllocationTest {

  @Test
  void get_cachedValueWithAuditAndMetrics_allocatesNothingPerHit() {
    var bean = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs per-thread allocation counters");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "per-thread allocation counters unsupported");
    FakeProvider provider = new FakeProvider();
    provider.set("db", "hot-path-value-1");
    RecordingSink sink = new RecordingSink(false);
    try (SecretsClient c = SecretsClient.builder().provider(provider).ambientConfiguration(false)
        .executor(Runnable::run).auditSink(sink).meterRegistry(new SimpleMeterRegistry()).build()) {
      int calls = 200_000;
      for (int i = 0; i < calls; i++) {
        c.get("db"); // warm up: JIT-compile the hit path
      }
      long id = Thread.currentThread().getId();
      long before = threads.getThreadAllocatedBytes(id);
      int length = 0;
      for (int i = 0; i < calls; i++) {
        length += c.get("db").length();
      }
      long allocated = threads.getThreadAllocatedBytes(id) - before;
      assertThat(length).isEqualTo(calls * 16);
      assertThat((double) allocated / calls).as("bytes allocated per hit").isLessThan(1.0);
      assertThat(sink.events).noneMatch(e -> e.type() == io.secretsbroker.spi.AuditEvent.Type.ACCESS_HIT);
    }
  }
}
