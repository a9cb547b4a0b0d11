package io.secretsbroker.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.secretsbroker.Rotation;
import io.secretsbroker.RotationConflictException;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.VersionStage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code memory://} soak: 4 clients x {@code soak.rotations} (200 by default) rotations of one
 * secret, each round started together by a barrier. Successes must form one chain of versions ending
 * in the current one, each success's value being current or superseded by a later success.
 *
 * <pre>./mvnw -B -o -pl testkit -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest=MemoryRotationSoakTest</pre>
 */
class MemoryRotationSoakTest {
  record Success(String version, String value) {}

  @Test
  void fourClients_everySuccessCurrentOrSuperseded_noLostUpdate() throws Exception {
    int rounds = Integer.getInteger("soak.rotations", 200);
    InMemorySecretProvider store = new InMemorySecretProvider().seed("soak", "soak-start-value");
    String v0 = store.currentVersion("soak").orElseThrow();
    CyclicBarrier round = new CyclicBarrier(4);
    List<CompletableFuture<List<Object>>> runs = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      SecretsClient c = SecretsClient.builder().provider(new Unclosed(store)).ambientConfiguration(false)
          .properties(Map.of()).build();
      runs.add(CompletableFuture.supplyAsync(() -> {
        List<Object> out = new ArrayList<>();
        try (c) {
          for (int r = 0; r < rounds; r++) {
            round.await(60, TimeUnit.SECONDS);
            try {
              SecretValue v = c.rotate("soak", Rotation.builder().onPending(Rotation.Pending.DISCARD).build());
              out.add(new Success(v.versionId(), v.asString()));
            } catch (RotationConflictException lost) {
              out.add(lost);
            }
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return out;
      }));
    }
    List<Success> ok = new ArrayList<>();
    int conflicts = 0;
    for (CompletableFuture<List<Object>> f : runs) {
      for (Object o : f.get(5, TimeUnit.MINUTES)) {
        if (o instanceof Success s) {
          ok.add(s);
        } else {
          conflicts++;
        }
      }
    }
    long tookMs = Math.max(1, (System.nanoTime() - start) / 1_000_000);

    assertThat(ok.size() + conflicts).isEqualTo(4 * rounds);
    assertThat(ok).hasSizeGreaterThanOrEqualTo(rounds); // at least one promotion per round
    List<String> history = store.versions("soak");
    assertThat(history).hasSize(ok.size() + 1).startsWith(v0);
    Set<String> promoted = new HashSet<>();
    for (Success s : ok) {
      assertThat(promoted.add(s.version())).isTrue();
      int at = history.indexOf(s.version());
      assertThat(at).as("every success is in the history").isPositive();
      assertThat(store.fetchVersion("soak", s.version()).value())
          .isEqualTo(s.value().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThat(promoted).containsAll(history.subList(1, history.size())); // nothing promoted that nobody reported
    assertThat(store.currentVersion("soak")).contains(history.get(history.size() - 1));
    assertThat(store.pendingValue("soak")).isEmpty();
    System.out.printf("soak memory:// 4 clients x %d rotations: %d promoted, %d conflicts, %d ms, %.0f promoted/s%n",
        rounds, ok.size(), conflicts, tookMs, ok.size() * 1000.0 / tookMs);
  }

  /** Shares one store between clients: closing a client does not close it. */
  private static final class Unclosed implements io.secretsbroker.spi.SecretProvider {
    private final InMemorySecretProvider p;

    Unclosed(InMemorySecretProvider p) {
      this.p = p;
    }

    @Override
    public String id() {
      return p.id();
    }

    @Override
    public io.secretsbroker.spi.SecretRecord fetch(String name) {
      return p.fetch(name);
    }

    @Override
    public boolean supportsStaging() {
      return true;
    }

    @Override
    public io.secretsbroker.spi.SecretRecord fetchStage(String name, VersionStage stage) {
      return p.fetchStage(name, stage);
    }

    @Override
    public io.secretsbroker.spi.SecretRecord stage(String name, String expected, byte[] value) {
      return p.stage(name, expected, value);
    }

    @Override
    public io.secretsbroker.spi.SecretRecord promote(String name, String pending, String expected) {
      return p.promote(name, pending, expected);
    }

    @Override
    public void discardPending(String name, String pending) {
      p.discardPending(name, pending);
    }
  }
}
