package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A certificate an HTTPS listener presents: a kubernetes.io/tls Secret in its namespace. */
public class CertificateRef {

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @JsonPropertyDescription(
      "Name of a Secret of type kubernetes.io/tls (keys tls.crt and tls.key) in the listener's"
          + " namespace, as cert-manager writes them.")
  private String secretName;

  public CertificateRef() {}

  public CertificateRef(String secretName) {
    this.secretName = secretName;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }
}
