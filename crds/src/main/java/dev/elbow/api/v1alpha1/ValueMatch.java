package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A header (name case-insensitive) or query parameter (name exact) and its value. */
public class ValueMatch {

  @Default("Exact")
  @JsonPropertyDescription("Exact or RegularExpression (Java syntax, the whole value).")
  private ValueMatchType type = ValueMatchType.Exact;

  @Required
  @Size(min = 1, max = 256)
  @JsonPropertyDescription("The header or query parameter's name.")
  private String name;

  @Required
  @Size(max = 4096)
  @JsonPropertyDescription("The value it must have.")
  private String value;

  public ValueMatch() {}

  public ValueMatch(ValueMatchType type, String name, String value) {
    this.type = type;
    this.name = name;
    this.value = value;
  }

  public ValueMatchType getType() {
    return type;
  }

  public void setType(ValueMatchType type) {
    this.type = type;
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
