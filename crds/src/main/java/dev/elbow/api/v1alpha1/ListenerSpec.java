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
@ValidationRule(
    value = "!has(self.rules) || self.protocol == 'HTTP' || self.protocol == 'HTTPS'",
    message = "only HTTP and HTTPS listeners route by host and path; remove rules",
    fieldPath = ".rules",
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

  @Size(max = 100)
  @JsonPropertyDescription(
      "HTTP and HTTPS listeners: forwarding rules by host name, path, method, headers and query"
          + " parameters, at most 100 (Gateway API's HTTPRoute rules, in its precedence). A"
          + " request no rule takes goes to backendGroup.")
  private List<ForwardingRule> rules;

  public ListenerSpec() {}

  public List<ForwardingRule> getRules() {
    return rules;
  }

  public void setRules(List<ForwardingRule> rules) {
    this.rules = rules;
  }

  /** Every group the listener sends to: backendGroup and its rules' groups. */
  public java.util.Set<String> referencedGroups() {
    java.util.Set<String> names = new java.util.TreeSet<>();
    if (backendGroup != null) {
      names.add(backendGroup);
    }
    if (rules != null) {
      for (ForwardingRule rule : rules) {
        if (rule.getForwardTo() != null) {
          rule.getForwardTo().stream()
              .map(RuleTarget::getBackendGroup)
              .filter(java.util.Objects::nonNull)
              .forEach(names::add);
        }
      }
    }
    return names;
  }

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
