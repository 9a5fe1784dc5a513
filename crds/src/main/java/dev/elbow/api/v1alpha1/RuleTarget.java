package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A group a forwarding rule sends requests to, and its share of them. */
public class RuleTarget {

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @JsonPropertyDescription("Name of a BackendServerGroup in the listener's namespace.")
  private String backendGroup;

  @Min(0)
  @Max(1000000)
  @Default("1")
  @JsonPropertyDescription(
      "Share of the rule's requests, 0-1000000: 90 and 10 send one request in ten to the second"
          + " group, interleaved. 0 sends none.")
  private Integer weight = 1;

  public RuleTarget() {}

  public RuleTarget(String backendGroup, int weight) {
    this.backendGroup = backendGroup;
    this.weight = weight;
  }

  public String getBackendGroup() {
    return backendGroup;
  }

  public void setBackendGroup(String backendGroup) {
    this.backendGroup = backendGroup;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }
}
