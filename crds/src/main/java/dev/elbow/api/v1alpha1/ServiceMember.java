package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * Members taken from a Service in the group's namespace: the ready endpoints of its EndpointSlices
 * take traffic; terminating ones drain.
 */
public class ServiceMember {

  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of a Service in the group's namespace.")
  private String service;

  @Required
  @JsonPropertyDescription(
      "The Service's port, by name (e.g. http) or number (e.g. 80); traffic goes to the endpoints'"
          + " matching target port.")
  private IntOrString port;

  @Min(0)
  @Max(100)
  @Default("1")
  @JsonPropertyDescription("Weight of every endpoint of this Service, 0-100.")
  private Integer weight = 1;

  public ServiceMember() {}

  public ServiceMember(String service, IntOrString port, int weight) {
    this.service = service;
    this.port = port;
    this.weight = weight;
  }

  public String getService() {
    return service;
  }

  public void setService(String service) {
    this.service = service;
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
