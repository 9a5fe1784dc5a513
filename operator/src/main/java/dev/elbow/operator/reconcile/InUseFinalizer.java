package dev.elbow.operator.reconcile;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keeps a BackendServerGroup that a Listener forwards to from being deleted under it: the group
 * carries the finalizer {@value #NAME} exactly while some Listener names it, so deleting it waits
 * (with a condition naming the listeners) until none does. A group nobody uses has no finalizer and
 * goes at once, with or without a running operator.
 */
final class InUseFinalizer {

  static final String NAME = "elbow.dev/in-use";

  private InUseFinalizer() {}

  /**
   * Adds or removes the finalizer to match {@code users}.
   *
   * @return true if the group was changed (its next event brings the new state)
   */
  static boolean apply(KubernetesClient client, BackendServerGroup group, List<String> users) {
    boolean has = group.hasFinalizer(NAME);
    boolean wanted = !users.isEmpty();
    if (has == wanted || (wanted && group.isMarkedForDeletion())) {
      return false; // a finalizer cannot be added once deletion has begun
    }
    List<String> finalizers = new ArrayList<>(group.getFinalizers());
    if (wanted) {
      finalizers.add(NAME);
    } else {
      finalizers.remove(NAME);
    }
    // A merge patch of the finalizer list alone: no resourceVersion to conflict with the status
    // writes that race with it.
    client
        .resources(BackendServerGroup.class)
        .inNamespace(group.getMetadata().getNamespace())
        .withName(group.getMetadata().getName())
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            client
                .getKubernetesSerialization()
                .asJson(Map.of("metadata", Map.of("finalizers", finalizers))));
    return true;
  }
}
