package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator and the data planes report about a group. */
public class BackendServerGroupStatus extends ConditionedStatus {

  @JsonPropertyDescription(
      "Members that take traffic (healthy, or unchecked when health checks are off, and with a"
          + " weight) out of all members, such as 2/3.")
  private String healthy;

  @JsonPropertyDescription("Each member and its health as the data planes see it.")
  private List<MemberStatus> members = new ArrayList<>();

  public String getHealthy() {
    return healthy;
  }

  public void setHealthy(String healthy) {
    this.healthy = healthy;
  }

  public List<MemberStatus> getMembers() {
    return members;
  }

  public void setMembers(List<MemberStatus> members) {
    this.members = members;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BackendServerGroupStatus other
        && sameConditions(other)
        && Objects.equals(healthy, other.healthy)
        && Objects.equals(members, other.members);
  }

  @Override
  public int hashCode() {
    return Objects.hash(conditionsHash(), healthy, members);
  }
}
