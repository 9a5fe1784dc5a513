package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the PEM certificates that sign the members' certificates are: a Secret or ConfigMap. */
@ValidationRule(
    value = "has(self.secretName) != has(self.configMapName)",
    message = "name exactly one of secretName and configMapName",
    reason = "FieldValueInvalid")
public class CaBundleRef {

  @Size(min = 1, max = 253)
  @JsonPropertyDescription("A Secret in the group's namespace that holds the bundle.")
  private String secretName;

  @Size(min = 1, max = 253)
  @JsonPropertyDescription("A ConfigMap in the group's namespace that holds the bundle.")
  private String configMapName;

  @Default("ca.crt")
  @Size(min = 1, max = 253)
  @JsonPropertyDescription("The key that holds the PEM bundle. Defaults to ca.crt.")
  private String key = "ca.crt";

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getConfigMapName() {
    return configMapName;
  }

  public void setConfigMapName(String configMapName) {
    this.configMapName = configMapName;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }
}
