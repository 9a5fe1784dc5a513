package dev.elbow.snapshot;

import java.util.List;

/**
 * What a data plane reports over its admin API.
 *
 * @param instance identifies this run of the data plane; a restarted data plane has a new one, and
 *     its revisions start over
 * @param appliedVersion version of the snapshot it serves; 0 before the first one
 * @param revision grows whenever anything in this report changes, so a watcher can wait for news
 * @param listeners whether each listener of the applied snapshot has its port open
 * @param groups the health of every group in the applied snapshot
 */
public record DataPlaneStatus(
    String instance,
    long appliedVersion,
    long revision,
    List<ListenerState> listeners,
    List<GroupHealth> groups) {
  public DataPlaneStatus {
    listeners = listeners == null ? List.of() : List.copyOf(listeners);
    groups = groups == null ? List.of() : List.copyOf(groups);
  }
}
