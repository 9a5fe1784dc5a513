package dev.elbow.operator.reconcile;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.Objects;

/**
 * Writes a status with a JSON merge patch on the status subresource, guarded by the resource
 * version the reconcile read (a conflict is retried on the fresh object), and puts the result into
 * the operator's cache, so the next reconcile compares against what was written rather than what
 * the informer has seen so far. Writes nothing when the status is unchanged.
 *
 * <p>A merge patch rather than server-side apply: at 1,000 groups of 100 members the API server's
 * CPU is what bounds status convergence, and it spends less on a merge patch (57 s against 66 s for
 * 2,002 statuses on the benchmark machine). Every top-level status field is always set and lists
 * are replaced whole, so a merge patch never leaves a stale field behind.
 */
final class StatusWriter {

  private StatusWriter() {}

  static <S, R extends CustomResource<?, S>> void write(R resource, S status, Context<R> context) {
    if (Objects.equals(status, resource.getStatus())) {
      return;
    }
    PrimaryUpdateAndCacheUtils.mergePatchStatusAndCacheResource(
        resource,
        context,
        r -> {
          r.setStatus(status);
          return r;
        });
  }
}
