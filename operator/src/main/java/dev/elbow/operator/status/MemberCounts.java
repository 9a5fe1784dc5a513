package dev.elbow.operator.status;

import dev.elbow.snapshot.MemberHealth;
import java.util.Map;

/** Counts the members of a group that take traffic, by the data planes' reports. */
public final class MemberCounts {

  private MemberCounts() {}

  /**
   * Members whose reported state takes traffic. The data planes report every member of the group as
   * they serve it, Service endpoints included, and report weight 0 and terminating members as
   * draining, so the reports alone say it.
   */
  public static int inService(Map<String, MemberHealth> health) {
    int count = 0;
    for (MemberHealth reported : health.values()) {
      if (MemberStates.inService(reported.state())) {
        count++;
      }
    }
    return count;
  }
}
