package dev.elbow.operator;

import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.operator.translate.ResourceKey;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** Which listeners forward to a group: what keeps a group from being deleted under them. */
final class GroupUsers {

  private GroupUsers() {}

  /**
   * The names of the listeners in the group's namespace that name it (as backendGroup or in a
   * forwarding rule), sorted.
   */
  static List<String> of(ResourceKey group, Stream<Listener> listeners) {
    return listeners
        .filter(l -> Objects.equals(l.getMetadata().getNamespace(), group.namespace()))
        .filter(l -> l.getSpec() != null && l.getSpec().referencedGroups().contains(group.name()))
        .map(l -> l.getMetadata().getName())
        .sorted()
        .toList();
  }
}
