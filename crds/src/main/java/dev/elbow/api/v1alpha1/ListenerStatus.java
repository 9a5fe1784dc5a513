package dev.elbow.api.v1alpha1;

/** What the operator reports about a listener: its conditions. */
public class ListenerStatus extends ConditionedStatus {

  @Override
  public boolean equals(Object o) {
    return o instanceof ListenerStatus other && sameConditions(other);
  }

  @Override
  public int hashCode() {
    return conditionsHash();
  }
}
