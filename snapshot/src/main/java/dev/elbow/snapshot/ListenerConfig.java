package dev.elbow.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A frontend port and the group it forwards to.
 *
 * @param name {@code namespace/name} of the Listener resource
 * @param protocol the protocol clients speak to this port
 * @param port the port the data plane opens, 1-65535; a UDP listener may share its number with a
 *     TCP, HTTP or HTTPS one
 * @param group name of the {@link GroupConfig} that receives the traffic (on HTTP and HTTPS
 *     listeners, the requests no rule takes); null on an HTTP or HTTPS listener answers those 404,
 *     as a Gateway API listener does
 * @param timeouts how long the listener waits; null means ELB's defaults
 * @param certificates HTTPS listeners only: the certificates to present, the first by default and
 *     the others to clients that ask for one of their names by SNI
 * @param proxyProtocolFrom TCP, HTTP and HTTPS listeners: the address ranges of upstream load
 *     balancers whose connections begin with a PROXY protocol header (v1 or v2); its client address
 *     then stands for the connection's (source-IP stickiness and hashing, X-Forwarded-For, the
 *     PROXY header sent on). Connections from elsewhere are taken as they are, a header they send
 *     is not believed. Empty: no connection is read for one
 * @param rules HTTP and HTTPS listeners: forwarding rules by host, path, method, headers and query
 *     parameters, in {@link HttpRule#precedes Gateway API's precedence}; a request none takes goes
 *     to {@code group}. Empty: every request goes to {@code group}
 */
public record ListenerConfig(
    String name,
    ListenerProtocol protocol,
    int port,
    String group,
    ListenerTimeouts timeouts,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TlsCertificate> certificates,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> proxyProtocolFrom,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<HttpRule> rules) {

  public ListenerConfig {
    timeouts = timeouts == null ? ListenerTimeouts.DEFAULTS : timeouts;
    certificates = certificates == null ? List.of() : List.copyOf(certificates);
    proxyProtocolFrom = proxyProtocolFrom == null ? List.of() : List.copyOf(proxyProtocolFrom);
    rules = rules == null ? List.of() : List.copyOf(rules);
  }

  /** A listener without forwarding rules. */
  public ListenerConfig(
      String name,
      ListenerProtocol protocol,
      int port,
      String group,
      ListenerTimeouts timeouts,
      List<TlsCertificate> certificates,
      List<String> proxyProtocolFrom) {
    this(name, protocol, port, group, timeouts, certificates, proxyProtocolFrom, null);
  }

  /** A listener that reads no PROXY protocol header. */
  public ListenerConfig(
      String name,
      ListenerProtocol protocol,
      int port,
      String group,
      ListenerTimeouts timeouts,
      List<TlsCertificate> certificates) {
    this(name, protocol, port, group, timeouts, certificates, null, null);
  }

  /** A listener with default timeouts and no certificates. */
  public ListenerConfig(String name, ListenerProtocol protocol, int port, String group) {
    this(name, protocol, port, group, null, null, null, null);
  }

  /** The socket family the port is opened in: a UDP port and a TCP port do not collide. */
  @JsonIgnore
  public boolean isDatagram() {
    return protocol == ListenerProtocol.UDP;
  }
}
