package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A header line a forwarding rule sets or adds. */
public class HeaderValue {

  @Required
  @Size(min = 1, max = 256)
  @Pattern("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
  @JsonPropertyDescription("The header's name.")
  private String name;

  @Required
  @Size(max = 4096)
  @JsonPropertyDescription("Its value, on one line.")
  private String value;

  public HeaderValue() {}

  public HeaderValue(String name, String value) {
    this.name = name;
    this.value = value;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }
}
