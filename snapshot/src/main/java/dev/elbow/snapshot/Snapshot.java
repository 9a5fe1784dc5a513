package dev.elbow.snapshot;

import java.util.List;
import java.util.Optional;

/**
 * Everything a data plane needs to route traffic, at one version: the listeners it opens and the
 * backend groups they forward to, with members already resolved to addresses.
 *
 * <p>The operator builds a snapshot from the custom resources and pushes it whole; the data plane
 * applies it atomically or not at all. Versions only grow, so a data plane can tell a stale push
 * from a new one. Names are {@code namespace/name} of the resource each entry came from.
 *
 * @param version positive and increasing with every change
 * @param listeners the ports to open, at most one listener per port
 * @param groups the backend groups, referenced by name from the listeners
 */
public record Snapshot(long version, List<ListenerConfig> listeners, List<GroupConfig> groups) {

  /** An empty configuration: no listeners, no groups. */
  public static final Snapshot EMPTY = new Snapshot(0, List.of(), List.of());

  public Snapshot {
    listeners = listeners == null ? List.of() : List.copyOf(listeners);
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  /** The same configuration stamped with another version. */
  public Snapshot withVersion(long newVersion) {
    return new Snapshot(newVersion, listeners, groups);
  }

  /** The group with this name, if the snapshot has one. */
  public Optional<GroupConfig> group(String name) {
    return groups.stream().filter(g -> g.name().equals(name)).findFirst();
  }

  /** True when both snapshots configure the same thing, whatever their versions. */
  public boolean sameConfigAs(Snapshot other) {
    return listeners.equals(other.listeners) && groups.equals(other.groups);
  }
}
