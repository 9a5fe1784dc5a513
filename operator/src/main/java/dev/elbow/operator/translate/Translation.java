package dev.elbow.operator.translate;

import dev.elbow.operator.translate.gateway.GatewayTranslation;
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
 * @param groupConfigs the snapshot's groups by name
 * @param gateway the status of the Gateway API objects of Elbow's classes (their listeners and
 *     groups are in the snapshot)
 */
public record Translation(
    Snapshot snapshot,
    Map<ResourceKey, Judged> groups,
    Map<ResourceKey, Judged> listeners,
    Map<String, GroupConfig> groupConfigs,
    GatewayTranslation gateway) {

  /** Nothing translated yet. */
  public static final Translation EMPTY = new Translation(Snapshot.EMPTY, Map.of(), Map.of());

  public Translation {
    groups = Map.copyOf(groups);
    listeners = Map.copyOf(listeners);
    groupConfigs = Map.copyOf(groupConfigs);
    gateway = gateway == null ? GatewayTranslation.NONE : gateway;
  }

  /** A translation without Gateway API objects. */
  public Translation(
      Snapshot snapshot,
      Map<ResourceKey, Judged> groups,
      Map<ResourceKey, Judged> listeners,
      Map<String, GroupConfig> groupConfigs) {
    this(snapshot, groups, listeners, groupConfigs, null);
  }

  /** A translation, with its groups also by name. */
  public Translation(
      Snapshot snapshot, Map<ResourceKey, Judged> groups, Map<ResourceKey, Judged> listeners) {
    this(snapshot, groups, listeners, (GatewayTranslation) null);
  }

  /** A translation, with its groups also by name, and the status of Gateway API objects. */
  public Translation(
      Snapshot snapshot,
      Map<ResourceKey, Judged> groups,
      Map<ResourceKey, Judged> listeners,
      GatewayTranslation gateway) {
    this(
        snapshot,
        groups,
        listeners,
        snapshot.groups().stream()
            .collect(Collectors.toMap(GroupConfig::name, Function.identity(), (a, b) -> a)),
        gateway);
  }

  /** A group as translated into the snapshot (its members resolved), or null. */
  public GroupConfig groupConfig(ResourceKey group) {
    return groupConfigs.get(group.toString());
  }
}
