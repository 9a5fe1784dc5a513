package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The frontend protocol and port, and the group that receives the traffic. */
@ValidationRule(
    value =
        "self.protocol == 'HTTPS' ? has(self.certificates) && size(self.certificates) > 0"
            + " : !has(self.certificates)",
    message =
        "HTTPS listeners need certificates (kubernetes.io/tls Secrets), and only HTTPS listeners"
            + " take them",
    fieldPath = ".certificates",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.proxyProtocolFrom) || self.protocol != 'UDP'",
    message =
        "UDP listeners do not read PROXY protocol headers; remove proxyProtocolFrom (a UDP group"
            + " may still send one)",
    fieldPath = ".proxyProtocolFrom",
    reason = "FieldValueForbidden")
public class ListenerSpec {

  @Required
  @JsonPropertyDescription("Protocol clients speak: TCP, UDP, HTTP or HTTPS.")
  private ListenerProtocol protocol;

  @Required
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription(
      "Port the data plane listens on, 1-65535. One TCP, HTTP or HTTPS listener per port, and"
          + " one UDP listener, which may share the number with a TCP one.")
  private Integer port;

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @JsonPropertyDescription("Name of a BackendServerGroup in the listener's namespace.")
  private String backendGroup;

  @Size(max = 30)
  @JsonPropertyDescription(
      "HTTPS listeners: the certificates to present, at most 30. The first is the default; the"
          + " others are presented to clients that ask for one of their host names by SNI.")
  private List<CertificateRef> certificates;

  @JsonPropertyDescription("Timeouts; each has the ELB default when left out.")
  private ListenerTimeouts timeouts;

  @Size(max = 32)
  @JsonPropertyDescription(
      "TCP, HTTP and HTTPS listeners behind another load balancer: the address ranges (CIDR, such"
          + " as 10.0.0.0/8) of those load balancers, at most 32. A connection from one of them"
          + " must begin with a PROXY protocol header (v1 or v2) and is closed without one; the"
          + " client address in it stands for the connection's (source-IP stickiness and hashing,"
          + " X-Forwarded-For, the access log, a PROXY header sent on). Connections from"
          + " anywhere else are taken as they are, and a header they send is not believed.")
  private List<String> proxyProtocolFrom;

  public ListenerSpec() {}

  public ListenerSpec(ListenerProtocol protocol, int port, String backendGroup) {
    this.protocol = protocol;
    this.port = port;
    this.backendGroup = backendGroup;
  }

  public List<String> getProxyProtocolFrom() {
    return proxyProtocolFrom;
  }

  public void setProxyProtocolFrom(List<String> proxyProtocolFrom) {
    this.proxyProtocolFrom = proxyProtocolFrom;
  }

  public ListenerProtocol getProtocol() {
    return protocol;
  }

  public void setProtocol(ListenerProtocol protocol) {
    this.protocol = protocol;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public List<CertificateRef> getCertificates() {
    return certificates;
  }

  public void setCertificates(List<CertificateRef> certificates) {
    this.certificates = certificates;
  }

  public ListenerTimeouts getTimeouts() {
    return timeouts;
  }

  public void setTimeouts(ListenerTimeouts timeouts) {
    this.timeouts = timeouts;
  }

  public String getBackendGroup() {
    return backendGroup;
  }

  public void setBackendGroup(String backendGroup) {
    this.backendGroup = backendGroup;
  }
}
