package io.secretsbroker.internal.snapshot;

import java.lang.ref.WeakReference;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Snapshot safety for CRaC and AWS Lambda SnapStart (both call {@code org.crac} resources): before
 * a checkpoint, every cached value of the client is zeroed and dropped, so no secret is written
 * into the snapshot; after a restore nothing needs doing, because each name simply loads again on
 * its next read (with the restored function's own credentials).
 *
 * <p>The global context holds resources weakly; the client holds this resource strongly and this
 * resource holds the client weakly, so a client that is no longer used can still be collected.
 * Thread-safe.
 */
public final class SnapshotResource implements Resource {
  /** What a snapshot needs from a client. */
  public interface Participant {
    /** Zeroes and drops every cached value, synchronously. */
    void beforeCheckpoint();

    /** Called after a restore (nothing needs reloading: names load again on next use). */
    void afterRestore();
  }

  private final WeakReference<Participant> client;

  private SnapshotResource(Participant client) {
    this.client = new WeakReference<>(client);
  }

  /**
   * Registers {@code client} with the CRaC global context. Keep the returned resource strongly
   * reachable from the client: the context holds it weakly.
   */
  public static SnapshotResource register(Participant client) {
    SnapshotResource r = new SnapshotResource(client);
    Core.getGlobalContext().register(r);
    return r;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    Participant c = client.get();
    if (c != null) {
      c.beforeCheckpoint();
    }
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    Participant c = client.get();
    if (c != null) {
      c.afterRestore();
    }
  }
}
