package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;

/**
 * Members taken straight from the pods in the group's namespace that match a label selector, no
 * Service needed: ready pods take traffic, terminating ones drain.
 */
public class PodMember {

  @Required
  @JsonPropertyDescription(
      "Which pods: matchLabels and matchExpressions, as in a Deployment's selector.")
  private LabelSelector selector;

  @Required
  @JsonPropertyDescription("The pods' port, by number or by the name of a container port.")
  private IntOrString port;

  @Min(0)
  @Max(100)
  @Default("1")
  @JsonPropertyDescription("Weight of every matching pod, 0-100.")
  private Integer weight = 1;

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }

  public IntOrString getPort() {
    return port;
  }

  public void setPort(IntOrString port) {
    this.port = port;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }
}
