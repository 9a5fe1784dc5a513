package dev.elbow.operator;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.operator.status.MemberCounts;
import dev.elbow.operator.translate.Judged;
import dev.elbow.operator.translate.ResourceKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Decides whose status needs writing after a change: a resource's reconcile is triggered when
 * anything its status is computed from changed since the last trigger (its verdict, what the data
 * planes serve, its members' health, or for a listener, how many members of its group serve).
 */
final class StatusTriggers {

  private Map<ResourceKey, Object> lastGroupInputs = Map.of();
  private Map<ResourceKey, Object> lastListenerInputs = Map.of();

  void fire(
      ServingView view,
      List<BackendServerGroup> groups,
      List<Listener> listeners,
      Consumer<ResourceKey> groupTrigger,
      Consumer<ResourceKey> listenerTrigger) {
    Map<ResourceKey, Object> groupInputs = new HashMap<>();
    for (BackendServerGroup group : groups) {
      ResourceKey key = ResourceKey.of(group);
      Judged judged = view.groupVerdict(key);
      // Who uses the group (and whether it is being deleted) decides its finalizer and condition.
      groupInputs.put(
          key,
          List.of(
              String.valueOf(judged),
              view.groupProgramming(key, judged),
              view.health(key),
              view.healthyCounts(key),
              GroupUsers.of(key, listeners.stream()),
              group.isMarkedForDeletion()));
    }
    Map<ResourceKey, Object> listenerInputs = new HashMap<>();
    for (Listener listener : listeners) {
      ResourceKey key = ResourceKey.of(listener);
      Judged judged = view.listenerVerdict(key);
      String groupName =
          listener.getSpec() == null ? "" : String.valueOf(listener.getSpec().getBackendGroup());
      ResourceKey groupKey = new ResourceKey(key.namespace(), groupName);
      int inService = MemberCounts.inService(view.health(groupKey));
      listenerInputs.put(
          key, List.of(String.valueOf(judged), view.listenerProgramming(key, judged), inService));
    }
    trigger(groupInputs, lastGroupInputs, groupTrigger);
    trigger(listenerInputs, lastListenerInputs, listenerTrigger);
    lastGroupInputs = groupInputs;
    lastListenerInputs = listenerInputs;
  }

  private static void trigger(
      Map<ResourceKey, Object> now,
      Map<ResourceKey, Object> before,
      Consumer<ResourceKey> trigger) {
    now.forEach(
        (key, inputs) -> {
          if (!Objects.equals(before.get(key), inputs)) {
            trigger.accept(key);
          }
        });
  }
}
