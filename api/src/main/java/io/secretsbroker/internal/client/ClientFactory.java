package io.secretsbroker.internal.client;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.SecretsClient;
import io.secretsbroker.guard.Finding;
import io.secretsbroker.internal.guard.RuntimeGuard;
import io.secretsbroker.spi.AllowList;
import io.secretsbroker.spi.AuditSink;
import io.secretsbroker.spi.GuardCheck;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretsClientFactory;
import io.secretsbroker.internal.ProviderRegistry;
import io.secretsbroker.internal.Settings;
import io.secretsbroker.internal.cache.CacheWarmUp;
import io.secretsbroker.internal.observe.Audit;
import io.secretsbroker.internal.observe.MetricsSupport;
import io.secretsbroker.internal.observe.Slf4jAuditSink;
import io.secretsbroker.internal.resilience.Resilience;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wires a {@link SecretsClient} from a builder: configuration first (so a typo fails before any
 * network call), then the provider, then the cache and resilience around it.
 */
public final class ClientFactory implements SecretsClientFactory {
  /** For {@link java.util.ServiceLoader}. */
  public ClientFactory() {}

  @Override
  public AllowList allowList(Map<String, String> properties) {
    return Names.from(Settings.of(properties)).allowedNames();
  }

  @Override
  public GuardCheck guardCheck(Map<String, String> settings) {
    RuntimeGuard guard = RuntimeGuard.fromSettings(settings);
    GuardCheck.Mode mode = GuardCheck.Mode.valueOf(guard.mode().name());
    return new GuardCheck(mode, guard.reason(), mode == GuardCheck.Mode.OFF ? List.of() : guard.check());
  }

  @Override
  public void registerKeys(String... keys) {
    Settings.registerKeys(keys);
  }

  @Override
  public Set<String> knownKeys() {
    return Settings.knownKeys();
  }

  @Override
  public SecretsClient build(SecretsClient.Builder builder) {
    Settings settings = builder.ambientConfiguration()
        ? Settings.load(builder.properties())
        : Settings.of(builder.properties());
    Names names = Names.from(settings);
    ProviderUri uri = builder.provider() != null ? null
        : ProviderUri.parse(settings.get(Settings.PROVIDER), settings.asMap());
    List<AuditSink> sinks = auditSinks(builder, settings);
    int maxDistinct = settings.integer(Settings.ANOMALY_MAX_DISTINCT, 100, 1, 1_000_000);
    Audit guardAudit = new Audit(uri == null ? builder.provider().id() : uri.scheme(), builder.clock(), sinks,
        maxDistinct);
    SecretProvider provider = openGuarded(builder, settings, uri, guardAudit);
    ThreadPoolExecutor owned = null;
    Executor executor = builder.executor();
    if (executor == null) {
      owned = defaultExecutor();
      executor = owned;
    }
    try {
      DefaultSecretsClient client = assemble(builder, settings, names, provider, sinks, maxDistinct, executor, owned);
      prefetch(client, settings, names);
      return client;
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
   * Opens the provider while the runtime guard scans on its own thread (an SDK client build takes
   * a while); the guard's verdict is taken before anything is read. A blocked start closes the
   * provider it opened, unread; a guard violation is reported ahead of an open failure.
   */
  private static SecretProvider openGuarded(SecretsClient.Builder builder, Settings settings, ProviderUri uri,
      Audit guardAudit) {
    GuardScan scan = GuardScan.start(builder, settings, CacheWarmUp::run);
    SecretProvider provider;
    try {
      provider = uri == null ? builder.provider() : ProviderRegistry.open(uri);
    } catch (RuntimeException openFailed) {
      try {
        scan.enforce(guardAudit); // a guard violation is the first thing to fix
      } catch (RuntimeException guardFailed) {
        guardFailed.addSuppressed(openFailed);
        throw guardFailed;
      }
      throw openFailed;
    }
    try {
      scan.enforce(guardAudit);
    } catch (RuntimeException guardFailed) {
      if (builder.provider() == null) {
        provider.close();
      }
      throw guardFailed;
    }
    return provider;
  }

  /** The client over an open provider: resilience, metrics, audit, and the close sequence. */
  private static DefaultSecretsClient assemble(SecretsClient.Builder builder, Settings settings, Names names,
      SecretProvider provider, List<AuditSink> sinks, int maxDistinct, Executor executor, ThreadPoolExecutor owned) {
    Resilience resilience = new Resilience(provider.id(), settings, builder.clock(), builder.ticker());
    AuditSink metrics = MetricsSupport.create(settings, builder.meterRegistry(), provider.id());
    if (metrics != null) {
      sinks.add(metrics);
    }
    Audit audit = new Audit(provider.id(), builder.clock(), sinks, maxDistinct);
    DefaultSecretsClient client = new DefaultSecretsClient(provider, settings, names, resilience, audit,
        builder.clock(), builder.ticker(), executor, () -> {
          if (owned != null) {
            owned.shutdown();
          }
          for (Runnable hook : builder.closeHooks()) {
            try {
              hook.run();
            } catch (RuntimeException ex) {
              org.slf4j.LoggerFactory.getLogger(SecretsClient.class).warn("A close hook threw {}; the client is"
                  + " closed and the other hooks ran", ex.getClass().getName());
            }
          }
        });
    if (metrics != null) {
      MetricsSupport.bind(metrics, client);
    }
    return client;
  }

  /**
   * {@code secrets.prefetch}: exact names (within {@code secrets.allow}) loaded now, in as few batch
   * calls as the store allows, so the first invocation finds them cached. A pattern is refused: it
   * could only be expanded by listing the store, a permission this client never asks for. A failed
   * prefetch is logged and the names load on first use, unless {@code secrets.prefetch.required}.
   */
  private static void prefetch(DefaultSecretsClient client, Settings settings, Names names) {
    String list = settings.get(Settings.PREFETCH);
    boolean required = io.secretsbroker.internal.cache.CacheSettings.bool(settings, Settings.PREFETCH_REQUIRED, false);
    if (list == null || list.isBlank()) {
      return;
    }
    List<String> wanted = new java.util.ArrayList<>();
    for (String raw : list.split(",")) {
      String name = raw.strip();
      if (name.isEmpty()) {
        continue;
      }
      if (name.contains("*")) {
        client.close();
        throw new io.secretsbroker.ConfigurationException(Settings.PREFETCH + " takes exact names; '" + name
            + "' is a pattern, and expanding it would mean listing the store (a permission this client never"
            + " asks for). List the secrets to prefetch by name.");
      }
      try {
        names.resolve(name);
      } catch (io.secretsbroker.SecretsException e) {
        client.close();
        throw new io.secretsbroker.ConfigurationException(Settings.PREFETCH + " names '" + name + "', which this"
            + " client may not read: " + e.getMessage(), e);
      }
      wanted.add(name);
    }
    try {
      client.prefetch(List.copyOf(new java.util.LinkedHashSet<>(wanted)), required);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * The runtime guard at start-up: its mode is resolved at once (a bad {@code secrets.guard} fails
   * before anything else), its scan of the environment runs on a daemon thread of its own while
   * the provider opens, and {@link #enforce} takes the verdict before the client is built, so
   * before any secret is read: each finding is audited as a {@code GUARD_VIOLATION} (naming the
   * variable and rule, never the value), then the guard enforces its mode (block throws
   * {@link io.secretsbroker.GuardViolationException}). With ambient configuration off the client is
   * independent of the machine, so the guard sees no environment or system properties (tests; hosts
   * that pass everything explicitly can call the guard themselves). After its verdict the thread
   * runs a warm-up step (loading the cache's classes while the provider still opens); the verdict
   * never waits for it, and a failed warm-up is ignored (it only moves work). Used by one thread.
   */
  static final class GuardScan {
    private final RuntimeGuard guard;
    private final java.util.concurrent.FutureTask<List<Finding>> task;

    private GuardScan(RuntimeGuard guard, java.util.concurrent.FutureTask<List<Finding>> task) {
      this.guard = guard;
      this.task = task;
    }

    static GuardScan start(SecretsClient.Builder builder, Settings settings, Runnable warmUp) {
      RuntimeGuard guard = builder.ambientConfiguration()
          ? RuntimeGuard.fromSettings(settings.asMap())
          : RuntimeGuard.of(settings.asMap(), Map.of(), Map.of());
      if (guard.mode() == RuntimeGuard.Mode.OFF) {
        return new GuardScan(guard, null);
      }
      java.util.concurrent.FutureTask<List<Finding>> task = new java.util.concurrent.FutureTask<>(guard::check);
      Thread t = new Thread(() -> {
        task.run();
        try {
          warmUp.run();
        } catch (RuntimeException | LinkageError ignored) {
          // only a head start: the client's own cache loads what it needs
        }
      }, "secrets-broker-guard");
      t.setDaemon(true);
      try {
        t.start();
      } catch (OutOfMemoryError | RuntimeException noThread) {
        task.run(); // no thread to be had: scan here
      }
      return new GuardScan(guard, task);
    }

    /** Waits for the scan, audits what it found and applies the mode. */
    void enforce(Audit audit) {
      if (task == null) {
        return;
      }
      List<Finding> findings;
      boolean interrupted = false;
      for (;;) {
        try {
          findings = task.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the verdict is needed; keep the interrupt for the caller
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException("the secrets guard's scan failed", e.getCause());
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (findings.isEmpty()) {
        return; // the common case: one pass over the environment
      }
      for (Finding f : findings) {
        audit.guardViolation(f.location(), f.ruleId(), guard.mode() == RuntimeGuard.Mode.BLOCK);
      }
      guard.enforce(findings);
    }
  }

  /**
   * The builder's sinks, then (unless {@code secrets.audit=off}) the built-in SLF4J sink and the
   * sinks found with {@link ServiceLoader}.
   */
  public static List<AuditSink> auditSinks(SecretsClient.Builder builder, Settings settings) {
    String mode = settings.get(Settings.AUDIT, "slf4j");
    if (!mode.equals("slf4j") && !mode.equals("off")) {
      throw new ConfigurationException(Settings.AUDIT + "=" + mode + " is not supported; use slf4j (default) or"
          + " off. Custom sinks are added with SecretsClient.Builder.auditSink(...) or a"
          + " META-INF/services/io.secretsbroker.spi.AuditSink entry.");
    }
    List<AuditSink> sinks = new ArrayList<>(builder.auditSinks());
    if (mode.equals("off")) {
      return sinks;
    }
    sinks.add(new Slf4jAuditSink());
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try {
      for (AuditSink s : ServiceLoader.load(AuditSink.class, loader != null ? loader : ClientFactory.class.getClassLoader())) {
        sinks.add(s);
      }
    } catch (ServiceConfigurationError e) {
      throw new ConfigurationException("An audit sink listed in META-INF/services/io.secretsbroker.spi.AuditSink"
          + " could not be loaded: " + e.getMessage() + ". Fix or remove that entry, or set secrets.audit=off.", e);
    }
    return sinks;
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
