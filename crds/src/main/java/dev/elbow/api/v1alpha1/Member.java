package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A backend server given by its IP address. */
public class Member {

  @Required
  @Size(max = 45)
  @ValidationRule(
      value = "isIP(self)",
      message = "address must be an IPv4 or IPv6 address, such as 10.0.0.12 or fd00::12",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription("IPv4 or IPv6 address of the backend server.")
  private String address;

  @Required
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port the backend server listens on, 1-65535.")
  private Integer port;

  @Min(0)
  @Max(100)
  @Default("1")
  @JsonPropertyDescription("Share of traffic, 0-100; 0 sends the member no new traffic.")
  private Integer weight = 1;

  public Member() {}

  public Member(String address, int port, int weight) {
    this.address = address;
    this.port = port;
    this.weight = weight;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }
}
