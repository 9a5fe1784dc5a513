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
    // A JSON Patch that first tests the list it read: if another controller changed the
    // finalizers meanwhile, the patch fails (and the reconcile is retried on a fresh read) instead
    // of writing back a stale list.
    List<String> current = group.getFinalizers();
    List<Map<String, Object>> ops = new ArrayList<>();
    if (current.isEmpty()) {
      ops.add(Map.of("op", "add", "path", "/metadata/finalizers", "value", List.of(NAME)));
    } else {
      ops.add(Map.of("op", "test", "path", "/metadata/finalizers", "value", current));
      ops.add(
          wanted
              ? Map.of("op", "add", "path", "/metadata/finalizers/-", "value", NAME)
              : Map.of("op", "remove", "path", "/metadata/finalizers/" + current.indexOf(NAME)));
    }
    client
        .resources(BackendServerGroup.class)
        .inNamespace(group.getMetadata().getNamespace())
        .withName(group.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(ops));
    return true;
  }
}
