package io.secretsbroker.internal;

import io.secretsbroker.SecretsClient;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wires a {@link SecretsClient} from a builder: configuration first (so a typo fails before any
 * network call), then the provider, then the cache and resilience around it.
 */
public final class ClientFactory {
  private ClientFactory() {}

  public static SecretsClient build(SecretsClient.Builder builder) {
    Settings settings = builder.ambientConfiguration()
        ? Settings.load(builder.properties())
        : Settings.of(builder.properties());
    Names names = Names.from(settings);
    SecretProvider provider = builder.provider() != null
        ? builder.provider()
        : ProviderRegistry.open(ProviderUri.parse(settings.get(Settings.PROVIDER), settings.asMap()));
    ThreadPoolExecutor owned = null;
    Executor executor = builder.executor();
    if (executor == null) {
      owned = defaultExecutor();
      executor = owned;
    }
    ThreadPoolExecutor toShutDown = owned;
    try {
      Resilience resilience = new Resilience(provider.id(), settings, builder.clock());
      return new CachingSecretsClient(provider, settings, names, resilience, builder.clock(), executor,
          () -> {
            if (toShutDown != null) {
              toShutDown.shutdown();
            }
          });
    } catch (RuntimeException e) {
      if (owned != null) {
        owned.shutdown();
      }
      if (builder.provider() == null) {
        provider.close();
      }
      throw e;
    }
  }

  /**
   * Up to four daemon threads for background refreshes and listeners, gone when idle (a frozen
   * function keeps no busy threads).
   */
  static ThreadPoolExecutor defaultExecutor() {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "secrets-broker-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
