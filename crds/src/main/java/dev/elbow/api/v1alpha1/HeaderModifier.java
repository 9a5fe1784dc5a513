package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * Header changes, as Gateway API's RequestHeaderModifier and ResponseHeaderModifier: remove and set
 * drop every line of their names, then set and add append theirs. Content-Length, Transfer-Encoding
 * and the hop-by-hop headers cannot be changed.
 */
public class HeaderModifier {

  @Size(max = 16)
  @JsonPropertyDescription("Headers to set, replacing every line of the name, at most 16.")
  private List<HeaderValue> set;

  @Size(max = 16)
  @JsonPropertyDescription("Header lines to add beside those already there, at most 16.")
  private List<HeaderValue> add;

  @Size(max = 16)
  @JsonPropertyDescription("Names of headers to remove, at most 16.")
  private List<String> remove;

  public HeaderModifier() {}

  public List<HeaderValue> getSet() {
    return set;
  }

  public void setSet(List<HeaderValue> set) {
    this.set = set;
  }

  public List<HeaderValue> getAdd() {
    return add;
  }

  public void setAdd(List<HeaderValue> add) {
    this.add = add;
  }

  public List<String> getRemove() {
    return remove;
  }

  public void setRemove(List<String> remove) {
    this.remove = remove;
  }
}
