package dev.elbow.operator.push;

import dev.elbow.snapshot.DataPlaneStatus;
import dev.elbow.snapshot.GroupHealth;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.MemberHealth;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Merges the health reports of several data planes into one view per group. Every data plane checks
 * every member itself, and they can disagree (a network path from one node is broken); the view
 * shows the worst: a member is healthy only if every data plane finds it so.
 */
public final class HealthView {

  private HealthView() {}

  /**
   * @return group name ({@code namespace/name}) to member ({@code address:port}) to health
   */
  public static Map<String, Map<String, MemberHealth>> merge(Collection<DataPlaneStatus> reports) {
    Map<String, Map<String, MemberHealth>> merged = new HashMap<>();
    Map<String, Integer> seenBy = new HashMap<>();
    for (DataPlaneStatus report : reports) {
      for (GroupHealth group : report.groups()) {
        Map<String, MemberHealth> members =
            merged.computeIfAbsent(group.name(), g -> new HashMap<>());
        for (MemberHealth member : group.members()) {
          String endpoint = new MemberConfig(member.address(), member.port(), 0).endpoint();
          members.merge(endpoint, member, HealthView::worse);
          seenBy.merge(group.name() + " " + endpoint, 1, Integer::sum);
        }
      }
    }
    // A member some data plane does not report yet is not known to be healthy everywhere.
    int planes = reports.size();
    merged.forEach(
        (group, members) ->
            members.replaceAll(
                (endpoint, health) ->
                    seenBy.get(group + " " + endpoint) < planes
                            && health.state() != HealthState.UNHEALTHY
                        ? new MemberHealth(
                            health.address(),
                            health.port(),
                            HealthState.UNKNOWN,
                            "not checked by every data plane yet",
                            health.since(),
                            health.effectiveWeight())
                        : health));
    return merged;
  }

  /**
   * How many data planes find each member healthy (or take it unchecked, with health checks off):
   * group name to member ({@code address:port}) to count.
   */
  public static Map<String, Map<String, Integer>> healthyCounts(
      Collection<DataPlaneStatus> reports) {
    Map<String, Map<String, Integer>> counts = new HashMap<>();
    for (DataPlaneStatus report : reports) {
      for (GroupHealth group : report.groups()) {
        Map<String, Integer> members = counts.computeIfAbsent(group.name(), g -> new HashMap<>());
        for (MemberHealth member : group.members()) {
          boolean healthy =
              member.state() == HealthState.HEALTHY || member.state() == HealthState.UNMONITORED;
          members.merge(
              new MemberConfig(member.address(), member.port(), 0).endpoint(),
              healthy ? 1 : 0,
              Integer::sum);
        }
      }
    }
    return counts;
  }

  private static MemberHealth worse(MemberHealth a, MemberHealth b) {
    return rank(b.state()) > rank(a.state()) ? b : a;
  }

  private static int rank(HealthState state) {
    return switch (state) {
      case HEALTHY, UNMONITORED -> 0;
      case UNKNOWN -> 1;
      case UNHEALTHY -> 2;
      case DRAINING -> 3; // weight 0 on any data plane: on its way out everywhere
    };
  }
}
