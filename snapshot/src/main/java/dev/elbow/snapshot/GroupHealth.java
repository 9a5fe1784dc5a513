package dev.elbow.snapshot;

import java.util.List;

/**
 * The health of every member of one group, as one data plane sees it.
 *
 * @param name {@code namespace/name} of the group
 * @param members one entry per member, in the snapshot's order
 */
public record GroupHealth(String name, List<MemberHealth> members) {
  public GroupHealth {
    members = members == null ? List.of() : List.copyOf(members);
  }
}
