package dev.elbow.operator.translate;

import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.Snapshot;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The result of translating all resources: the snapshot for the data planes (still without a
 * version; the coordinator stamps it) and the verdict on every resource, with the generation it was
 * made for, so a reconciler can tell whether the verdict is about the spec it sees.
 *
 * @param snapshot the accepted groups and listeners, version 0
 * @param groups the verdict on every BackendServerGroup
 * @param listeners the verdict on every Listener
 */
public record Translation(
    Snapshot snapshot,
    Map<ResourceKey, Judged> groups,
    Map<ResourceKey, Judged> listeners,
    Map<String, GroupConfig> groupConfigs) {

  /** Nothing translated yet. */
  public static final Translation EMPTY = new Translation(Snapshot.EMPTY, Map.of(), Map.of());

  public Translation {
    groups = Map.copyOf(groups);
    listeners = Map.copyOf(listeners);
    groupConfigs = Map.copyOf(groupConfigs);
  }

  /** A translation, with its groups also by name. */
  public Translation(
      Snapshot snapshot, Map<ResourceKey, Judged> groups, Map<ResourceKey, Judged> listeners) {
    this(
        snapshot,
        groups,
        listeners,
        snapshot.groups().stream()
            .collect(Collectors.toMap(GroupConfig::name, Function.identity(), (a, b) -> a)));
  }

  /** A group as translated into the snapshot (its members resolved), or null. */
  public GroupConfig groupConfig(ResourceKey group) {
    return groupConfigs.get(group.toString());
  }
}
