package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** What a backend server group is: its members, how they share traffic, how they are checked. */
@ValidationRule(
    value = "self.algorithm != 'QUIC_CID' || self.protocol == 'QUIC'",
    message = "algorithm QUIC_CID needs protocol QUIC; use SOURCE_IP or ROUND_ROBIN",
    fieldPath = ".algorithm",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "!has(self.healthCheck) || !has(self.healthCheck.protocol)"
            + " || (self.protocol in ['UDP', 'QUIC']) == (self.healthCheck.protocol == 'UDP')",
    message =
        "healthCheck.protocol must be UDP for UDP and QUIC groups, and TCP, HTTP, HTTPS or GRPC for"
            + " TCP, HTTP and HTTPS groups",
    fieldPath = ".healthCheck.protocol",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "!has(self.healthCheck)"
            + " || (!has(self.healthCheck.path) && !has(self.healthCheck.host)"
            + " && !has(self.healthCheck.expectedCodes))"
            + " || (has(self.healthCheck.protocol) ? self.healthCheck.protocol in ['HTTP', 'HTTPS']"
            + " : self.protocol in ['HTTP', 'HTTPS'])",
    message =
        "healthCheck.path, healthCheck.host and healthCheck.expectedCodes apply only to HTTP and"
            + " HTTPS health checks; remove them or set healthCheck.protocol to HTTP",
    fieldPath = ".healthCheck",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "!has(self.healthCheck)"
            + " || (!has(self.healthCheck.udpSend) && !has(self.healthCheck.udpExpect))"
            + " || (has(self.healthCheck.protocol) ? self.healthCheck.protocol == 'UDP'"
            + " : self.protocol in ['UDP', 'QUIC'])",
    message =
        "healthCheck.udpSend and healthCheck.udpExpect apply only to UDP health checks, which UDP"
            + " and QUIC groups use",
    fieldPath = ".healthCheck",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!has(self.quicConnectionIdLength) || self.protocol == 'QUIC'",
    message = "quicConnectionIdLength applies only to QUIC groups; remove it",
    fieldPath = ".quicConnectionIdLength",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "self.protocol != 'HTTPS' || has(self.tls)",
    message =
        "HTTPS groups need tls: a caBundle to verify the members, or insecureSkipVerify: true",
    fieldPath = ".tls",
    reason = "FieldValueRequired")
@ValidationRule(
    value =
        "!has(self.tls) || self.protocol == 'HTTPS'"
            + " || (has(self.healthCheck) && has(self.healthCheck.protocol)"
            + " && self.healthCheck.protocol == 'HTTPS')",
    message = "tls applies only to HTTPS groups and HTTPS health checks; remove it",
    fieldPath = ".tls",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "!has(self.stickySession) || self.stickySession.type != 'SOURCE_IP'"
            + " || self.protocol in ['TCP', 'UDP']",
    message =
        "stickySession.type SOURCE_IP applies to TCP and UDP groups; HTTP and HTTPS groups use"
            + " LB_COOKIE or APP_COOKIE (or algorithm SOURCE_IP)",
    fieldPath = ".stickySession.type",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "!has(self.stickySession) || self.stickySession.type == 'SOURCE_IP'"
            + " || self.protocol in ['HTTP', 'HTTPS']",
    message =
        "stickySession.type LB_COOKIE and APP_COOKIE apply to HTTP and HTTPS groups; TCP and UDP"
            + " groups use SOURCE_IP",
    fieldPath = ".stickySession.type",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "!has(self.stickySession) || !has(self.algorithm)"
            + " || self.algorithm in ['ROUND_ROBIN', 'LEAST_CONNECTIONS']",
    message =
        "stickySession works with algorithm ROUND_ROBIN or LEAST_CONNECTIONS; SOURCE_IP and"
            + " QUIC_CID already keep a client on one member",
    fieldPath = ".stickySession",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "!has(self.slowStart) || (self.protocol in ['HTTP', 'HTTPS']"
            + " && (!has(self.algorithm) || self.algorithm == 'ROUND_ROBIN'))",
    message = "slowStart applies only to HTTP and HTTPS groups with algorithm ROUND_ROBIN",
    fieldPath = ".slowStart",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "!has(oldSelf.removalProtection) || !oldSelf.removalProtection || !has(oldSelf.members)"
            + " || oldSelf.members.all(m, has(self.members)"
            + " && self.members.exists(n, n.address == m.address && n.port == m.port))",
    message =
        "removalProtection is on: members cannot be removed; set removalProtection to false in an"
            + " update of its own first",
    fieldPath = ".members",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "!has(self.removalProtection) || !self.removalProtection || !has(self.members)"
            + " || size(self.members) <= 200",
    message =
        "removalProtection covers groups of at most 200 members listed in members (checking more"
            + " would exceed the API server's rule cost limit); list fewer, or take members from a"
            + " Service",
    fieldPath = ".removalProtection",
    reason = "FieldValueInvalid")
@ValidationRule(
    value =
        "!has(self.proxyProtocol) || self.protocol == 'TCP'"
            + " || (self.protocol == 'UDP' && self.proxyProtocol == 'V2')",
    message =
        "proxyProtocol applies only to TCP groups (V1 or V2) and UDP groups (V2: version 1 has no"
            + " datagram form); HTTP and HTTPS members get the client's address in"
            + " X-Forwarded-For",
    fieldPath = ".proxyProtocol",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!has(self.protocolVersion) || self.protocol in ['HTTP', 'HTTPS']",
    message = "protocolVersion applies only to HTTP and HTTPS groups; remove it",
    fieldPath = ".protocolVersion",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "!has(self.healthCheck) || !has(self.healthCheck.protocol)"
            + " || self.healthCheck.protocol != 'GRPC'"
            + " || (has(self.protocolVersion) && self.protocolVersion == 'HTTP2')",
    message =
        "GRPC health checks need members that speak HTTP/2: set protocolVersion: HTTP2 (gRPC"
            + " servers do)",
    fieldPath = ".healthCheck.protocol",
    reason = "FieldValueInvalid")
public class BackendServerGroupSpec {

  @Required
  @JsonPropertyDescription(
      "Protocol spoken to the members: TCP, UDP, QUIC, HTTP or HTTPS. Listeners forward TCP to"
          + " TCP, UDP to UDP or QUIC, HTTP to HTTP, HTTPS to HTTP or HTTPS.")
  private BackendProtocol protocol;

  @Default("ROUND_ROBIN")
  @JsonPropertyDescription(
      "How a member is picked, always by weight: ROUND_ROBIN, LEAST_CONNECTIONS, SOURCE_IP (hash of"
          + " the client address) or QUIC_CID (hash of the QUIC connection ID, QUIC groups only).")
  private Algorithm algorithm = Algorithm.ROUND_ROBIN;

  @Size(max = 500)
  @ListMapKeys({"address", "port"})
  @JsonPropertyDescription("The backend servers, at most 500; each address and port once.")
  private List<Member> members = new ArrayList<>();

  @Size(max = 16)
  @JsonPropertyDescription(
      "Members from Services in the group's namespace, resolved through their EndpointSlices:"
          + " ready endpoints take traffic, terminating ones drain. Mixes with members.")
  private List<ServiceMember> serviceMembers = new ArrayList<>();

  @Size(max = 16)
  @JsonPropertyDescription(
      "Members from the pods in the group's namespace that match a label selector: ready pods"
          + " take traffic, terminating ones drain. Mixes with members and serviceMembers.")
  private List<PodMember> podMembers = new ArrayList<>();

  @Min(0)
  @Max(3600)
  @Default("300")
  @JsonPropertyDescription(
      "Seconds a member that is terminating or removed keeps its open connections before they are"
          + " closed, 0-3600 (default 300). It gets no new ones meanwhile.")
  private Integer deregistrationDelaySeconds = 300;

  @JsonPropertyDescription("Active health checking of the members. Checks are on by default.")
  private HealthCheck healthCheck;

  @JsonPropertyDescription(
      "HTTPS groups and HTTPS health checks: how the members' certificates are verified.")
  private GroupTls tls;

  @Min(1)
  @Max(20)
  @JsonPropertyDescription(
      "QUIC groups: length of the connection IDs the members issue, 1-20, which short-header"
          + " packets do not carry. Left out, it is learned from the members' handshake packets.")
  private Integer quicConnectionIdLength;

  @JsonPropertyDescription(
      "Sticky sessions: SOURCE_IP for TCP and UDP groups, LB_COOKIE or APP_COOKIE for HTTP and"
          + " HTTPS groups; with ROUND_ROBIN or LEAST_CONNECTIONS. A client whose member stops"
          + " taking traffic moves to another, and its cookie with it.")
  private StickySession stickySession;

  @JsonPropertyDescription(
      "Slow start (HTTP and HTTPS groups with ROUND_ROBIN, health checks on): a member that is"
          + " added or turns healthy again ramps from a tenth of its weight to all of it.")
  private SlowStart slowStart;

  @JsonPropertyDescription(
      "Passive health (outlier detection): members ejected by what traffic finds, for a time that"
          + " grows with each ejection, at most a share of the group at once, and the panic"
          + " threshold below which traffic goes to every member. On by default with Envoy's"
          + " defaults, health checks or not.")
  private PassiveHealth passiveHealth;

  @JsonPropertyDescription(
      "TCP groups: the PROXY protocol header sent first on every connection to a member, so it"
          + " learns the client's address and port: V1 (text) or V2 (binary), as HAProxy's"
          + " send-proxy and send-proxy-v2. UDP groups: V2 only, a header (transport DGRAM) before"
          + " every datagram to a member, and a LOCAL header before each health check datagram."
          + " The destination is the address the listener is bound to. Left out, none is sent.")
  private ProxyProtocolVersion proxyProtocol;

  @JsonPropertyDescription(
      "HTTP and HTTPS groups: the HTTP version the members speak, HTTP1 (the default) or HTTP2:"
          + " h2 by ALPN for HTTPS groups, cleartext h2c with prior knowledge for HTTP groups, as"
          + " gRPC servers speak it. HTTP/2 member connections are pooled and carry many"
          + " requests at once; least connections counts requests. HTTP/2 clients' requests go"
          + " to HTTP2 members as HTTP/2 (gRPC included, trailers and all).")
  private ProtocolVersion protocolVersion;

  @Default("false")
  @JsonPropertyDescription(
      "When true, the group cannot be deleted and members cannot be removed until it is false.")
  private boolean removalProtection;

  public BackendProtocol getProtocol() {
    return protocol;
  }

  public void setProtocol(BackendProtocol protocol) {
    this.protocol = protocol;
  }

  public Algorithm getAlgorithm() {
    return algorithm;
  }

  public void setAlgorithm(Algorithm algorithm) {
    this.algorithm = algorithm;
  }

  public List<Member> getMembers() {
    return members;
  }

  public void setMembers(List<Member> members) {
    this.members = members;
  }

  public List<ServiceMember> getServiceMembers() {
    return serviceMembers;
  }

  public void setServiceMembers(List<ServiceMember> serviceMembers) {
    this.serviceMembers = serviceMembers;
  }

  public List<PodMember> getPodMembers() {
    return podMembers;
  }

  public void setPodMembers(List<PodMember> podMembers) {
    this.podMembers = podMembers;
  }

  public Integer getDeregistrationDelaySeconds() {
    return deregistrationDelaySeconds;
  }

  public void setDeregistrationDelaySeconds(Integer deregistrationDelaySeconds) {
    this.deregistrationDelaySeconds = deregistrationDelaySeconds;
  }

  public HealthCheck getHealthCheck() {
    return healthCheck;
  }

  public void setHealthCheck(HealthCheck healthCheck) {
    this.healthCheck = healthCheck;
  }

  public GroupTls getTls() {
    return tls;
  }

  public void setTls(GroupTls tls) {
    this.tls = tls;
  }

  public Integer getQuicConnectionIdLength() {
    return quicConnectionIdLength;
  }

  public void setQuicConnectionIdLength(Integer quicConnectionIdLength) {
    this.quicConnectionIdLength = quicConnectionIdLength;
  }

  public StickySession getStickySession() {
    return stickySession;
  }

  public void setStickySession(StickySession stickySession) {
    this.stickySession = stickySession;
  }

  public SlowStart getSlowStart() {
    return slowStart;
  }

  public void setSlowStart(SlowStart slowStart) {
    this.slowStart = slowStart;
  }

  public ProtocolVersion getProtocolVersion() {
    return protocolVersion;
  }

  public void setProtocolVersion(ProtocolVersion protocolVersion) {
    this.protocolVersion = protocolVersion;
  }

  public ProxyProtocolVersion getProxyProtocol() {
    return proxyProtocol;
  }

  public void setProxyProtocol(ProxyProtocolVersion proxyProtocol) {
    this.proxyProtocol = proxyProtocol;
  }

  public PassiveHealth getPassiveHealth() {
    return passiveHealth;
  }

  public void setPassiveHealth(PassiveHealth passiveHealth) {
    this.passiveHealth = passiveHealth;
  }

  public boolean isRemovalProtection() {
    return removalProtection;
  }

  public void setRemovalProtection(boolean removalProtection) {
    this.removalProtection = removalProtection;
  }
}
