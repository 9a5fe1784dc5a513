package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The path a request must have. */
public class PathMatch {

  @Default("PathPrefix")
  @JsonPropertyDescription("Exact, PathPrefix (whole segments) or RegularExpression.")
  private PathMatchType type = PathMatchType.PathPrefix;

  @Required
  @Size(min = 1, max = 1024)
  @JsonPropertyDescription(
      "The path (beginning with /), or for RegularExpression a Java regular expression that"
          + " matches the whole path.")
  private String value;

  public PathMatch() {}

  public PathMatch(PathMatchType type, String value) {
    this.type = type;
    this.value = value;
  }

  public PathMatchType getType() {
    return type;
  }

  public void setType(PathMatchType type) {
    this.type = type;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }
}
