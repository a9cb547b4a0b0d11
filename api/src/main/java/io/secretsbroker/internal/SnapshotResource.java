package io.secretsbroker.internal;

import java.lang.ref.WeakReference;
import org.crac.Context;
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
final class SnapshotResource implements Resource {
  private final WeakReference<CachingSecretsClient> client;

  SnapshotResource(CachingSecretsClient client) {
    this.client = new WeakReference<>(client);
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    CachingSecretsClient c = client.get();
    if (c != null) {
      c.beforeCheckpoint();
    }
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    CachingSecretsClient c = client.get();
    if (c != null) {
      c.afterRestore();
    }
  }
}
