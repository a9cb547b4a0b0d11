package io.secretsbroker.testkit.crac;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A CRaC runtime for tests on a JDK without CRaC: start the test JVM with
 * {@code -Dorg.crac.Core.Compat=io.secretsbroker.testkit.crac} and {@code org.crac} routes
 * {@code Core.getGlobalContext().register(...)} and {@code Core.checkpointRestore()} here, exactly
 * as it routes them to {@code jdk.crac} on a CRaC JDK. {@link #checkpointRestore()} then does what
 * the runtime does around an image: every registered resource's {@code beforeCheckpoint} in reverse
 * order of registration, then (instead of writing and reading an image) the action set with
 * {@link #whileCheckpointed}, then every {@code afterRestore} in order of registration.
 *
 * <p>Like the JDK's global context, this one holds resources weakly. Thread-safe; checkpoints are
 * serialised.
 */
public final class Core {
  private static final GlobalContext GLOBAL = new GlobalContext();
  private static volatile Runnable whileCheckpointed = () -> {};

  private Core() {}

  /** The global context {@code org.crac} registers resources with. */
  public static Context<Resource> getGlobalContext() {
    return GLOBAL;
  }

  /** Runs {@code action} between the last {@code beforeCheckpoint} and the first {@code afterRestore}. */
  public static void whileCheckpointed(Runnable action) {
    whileCheckpointed = Objects.requireNonNull(action, "action");
  }

  /** Whether {@code org.crac} is routed to this runtime (the system property was set in time). */
  public static boolean isActive() {
    return Core.class.getPackageName().equals(System.getProperty("org.crac.Core.Compat"));
  }

  /** A simulated checkpoint and restore of this JVM. */
  public static synchronized void checkpointRestore() throws CheckpointException, RestoreException {
    List<Resource> live = GLOBAL.live();
    CheckpointException before = null;
    for (int i = live.size() - 1; i >= 0; i--) {
      try {
        live.get(i).beforeCheckpoint(GLOBAL);
      } catch (Exception e) {
        before = before == null ? new CheckpointException() : before;
        before.addSuppressed(e);
      }
    }
    if (before != null) {
      throw before;
    }
    live = null; // hold nothing strongly while "checkpointed", as a heap dump taken here should see
    whileCheckpointed.run();
    RestoreException after = null;
    for (Resource r : GLOBAL.live()) {
      try {
        r.afterRestore(GLOBAL);
      } catch (Exception e) {
        after = after == null ? new RestoreException() : after;
        after.addSuppressed(e);
      }
    }
    if (after != null) {
      throw after;
    }
  }

  private static final class GlobalContext extends Context<Resource> {
    private final List<WeakReference<Resource>> resources = new ArrayList<>();

    @Override
    public synchronized void register(Resource resource) {
      resources.add(new WeakReference<>(Objects.requireNonNull(resource, "resource")));
    }

    synchronized List<Resource> live() {
      List<Resource> out = new ArrayList<>();
      resources.removeIf(ref -> ref.get() == null);
      resources.forEach(ref -> {
        Resource r = ref.get();
        if (r != null) {
          out.add(r);
        }
      });
      return out;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
      throw new UnsupportedOperationException("call Core.checkpointRestore()");
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
      throw new UnsupportedOperationException("call Core.checkpointRestore()");
    }
  }
}
