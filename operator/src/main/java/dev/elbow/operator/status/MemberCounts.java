package dev.elbow.operator.status;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.MemberHealth;
import java.util.Map;

/** Counts the members of a group that take traffic, by the data planes' reports. */
public final class MemberCounts {

  private MemberCounts() {}

  /** Members with a weight whose reported state takes traffic. */
  public static int inService(BackendServerGroup group, Map<String, MemberHealth> health) {
    if (group == null || group.getSpec() == null || group.getSpec().getMembers() == null) {
      return 0;
    }
    int count = 0;
    for (Member member : group.getSpec().getMembers()) {
      if (Integer.valueOf(0).equals(member.getWeight()) || member.getPort() == null) {
        continue;
      }
      MemberHealth reported =
          health.get(new MemberConfig(member.getAddress(), member.getPort(), 0).endpoint());
      if (reported != null && MemberStates.inService(reported.state())) {
        count++;
      }
    }
    return count;
  }
}
