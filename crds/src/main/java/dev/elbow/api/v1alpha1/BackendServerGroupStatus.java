package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator and the data plane report about a group. */
public class BackendServerGroupStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Accepted: the spec is valid. Ready: served by the data plane with at least one member up.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Healthy members out of all members, such as 2/3.")
  private String healthy;

  @JsonPropertyDescription("Each member and its health as the data plane sees it.")
  private List<MemberStatus> members = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

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
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(healthy, other.healthy)
        && Objects.equals(members, other.members);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, healthy, members);
  }
}
