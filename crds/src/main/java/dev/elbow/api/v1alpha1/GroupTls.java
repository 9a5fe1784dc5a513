package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * TLS towards the members of an HTTPS group (and for HTTPS health checks). Members are verified
 * against a CA bundle; skipping verification must be asked for by name.
 */
@ValidationRule(
    value = "has(self.caBundle) != (has(self.insecureSkipVerify) && self.insecureSkipVerify)",
    message =
        "give caBundle to verify the members, or insecureSkipVerify: true to skip verification;"
            + " exactly one of them",
    reason = "FieldValueInvalid")
public class GroupTls {

  @JsonPropertyDescription("The CA certificates that sign the members' certificates.")
  private CaBundleRef caBundle;

  @JsonPropertyDescription(
      "true accepts any certificate a member presents. Only for testing: traffic to the members"
          + " can then be read by anyone on the path.")
  private Boolean insecureSkipVerify;

  @Size(min = 1, max = 253)
  @Pattern("^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*$")
  @JsonPropertyDescription(
      "Name sent by SNI and required in the members' certificates. Left out, no SNI is sent and"
          + " only the certificate chain is verified.")
  private String serverName;

  public CaBundleRef getCaBundle() {
    return caBundle;
  }

  public void setCaBundle(CaBundleRef caBundle) {
    this.caBundle = caBundle;
  }

  public Boolean getInsecureSkipVerify() {
    return insecureSkipVerify;
  }

  public void setInsecureSkipVerify(Boolean insecureSkipVerify) {
    this.insecureSkipVerify = insecureSkipVerify;
  }

  public String getServerName() {
    return serverName;
  }

  public void setServerName(String serverName) {
    this.serverName = serverName;
  }
}
