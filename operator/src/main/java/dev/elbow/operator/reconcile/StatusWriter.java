package dev.elbow.operator.reconcile;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Writes a status with server-side apply and puts the result into the operator's cache, so the next
 * reconcile compares against what was written rather than what the informer has seen so far (a
 * plain status patch result is not cached, and a quick second reconcile could then skip a needed
 * write). Writes nothing when the status is unchanged.
 */
final class StatusWriter {

  private StatusWriter() {}

  static <S, R extends CustomResource<?, S>> void write(
      R resource, S status, Supplier<R> blank, Context<R> context) {
    if (Objects.equals(status, resource.getStatus())) {
      return;
    }
    R fresh = blank.get();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(resource.getMetadata().getName())
            .withNamespace(resource.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(resource, fresh, context);
  }
}
