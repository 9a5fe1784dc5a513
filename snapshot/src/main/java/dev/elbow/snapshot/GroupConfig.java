package dev.elbow.snapshot;

import java.util.List;

/**
 * A backend server group: the members that share traffic, how they share it, and how their health
 * is checked.
 *
 * @param name {@code namespace/name} of the BackendServerGroup resource
 * @param protocol the protocol the data plane speaks to the members
 * @param algorithm how a member is picked for each new connection or request
 * @param members the resolved backend servers, at most one per address and port
 * @param healthCheck the active health check; {@link HealthCheckConfig#DISABLED} when off
 * @param tls HTTPS groups only: how members are verified; null for other groups
 * @param quicConnectionIdLength QUIC groups only: the length of the connection IDs the members
 *     issue (short headers do not carry it); null learns it from the members' long-header packets
 * @param stickySession what keeps a client on one member; null when sessions are not sticky
 * @param slowStart HTTP and HTTPS groups with ROUND_ROBIN: how members ramp up; null when off
 * @param deregistrationDelaySeconds how long a member that is draining or removed keeps its open
 *     connections before they are closed, 0-3600
 * @param passiveHealth how members are judged by the traffic they serve; null takes {@link
 *     PassiveHealth#DEFAULTS}
 * @param proxyProtocol TCP groups: the PROXY protocol header sent first on each member connection;
 *     UDP groups (V2 only): the header before each datagram; null sends none
 * @param protocolVersion HTTP and HTTPS groups only: the HTTP version the members speak; null is
 *     {@link ProtocolVersion#HTTP1}
 */
public record GroupConfig(
    String name,
    BackendProtocol protocol,
    Algorithm algorithm,
    List<MemberConfig> members,
    HealthCheckConfig healthCheck,
    BackendTls tls,
    Integer quicConnectionIdLength,
    StickySession stickySession,
    SlowStart slowStart,
    Integer deregistrationDelaySeconds,
    PassiveHealth passiveHealth,
    ProxyProtocol proxyProtocol,
    ProtocolVersion protocolVersion) {

  /** AWS's default deregistration delay. */
  public static final int DEFAULT_DEREGISTRATION_DELAY_SECONDS = 300;

  /** ELB's limit on members per group, which the data plane enforces too. */
  public static final int MAX_MEMBERS = 500;

  public GroupConfig {
    members = members == null ? List.of() : List.copyOf(members);
    healthCheck = healthCheck == null ? HealthCheckConfig.DISABLED : healthCheck;
    if (deregistrationDelaySeconds == null) {
      deregistrationDelaySeconds = DEFAULT_DEREGISTRATION_DELAY_SECONDS;
    }
    passiveHealth = passiveHealth == null ? PassiveHealth.DEFAULTS : passiveHealth;
  }

  /** A group that sends no PROXY protocol header. */
  public GroupConfig(
      String name,
      BackendProtocol protocol,
      Algorithm algorithm,
      List<MemberConfig> members,
      HealthCheckConfig healthCheck,
      BackendTls tls,
      Integer quicConnectionIdLength,
      StickySession stickySession,
      SlowStart slowStart,
      Integer deregistrationDelaySeconds,
      PassiveHealth passiveHealth) {
    this(
        name,
        protocol,
        algorithm,
        members,
        healthCheck,
        tls,
        quicConnectionIdLength,
        stickySession,
        slowStart,
        deregistrationDelaySeconds,
        passiveHealth,
        null,
        null);
  }

  /** This group with another PROXY protocol setting (null sends none). */
  public GroupConfig withProxyProtocol(ProxyProtocol version) {
    return new GroupConfig(
        name,
        protocol,
        algorithm,
        members,
        healthCheck,
        tls,
        quicConnectionIdLength,
        stickySession,
        slowStart,
        deregistrationDelaySeconds,
        passiveHealth,
        version,
        protocolVersion);
  }

  /** Whether the members speak HTTP/2 (h2 over TLS, or h2c). */
  public boolean speaksHttp2() {
    return protocolVersion == ProtocolVersion.HTTP2;
  }

  /** A group with the default passive health. */
  public GroupConfig(
      String name,
      BackendProtocol protocol,
      Algorithm algorithm,
      List<MemberConfig> members,
      HealthCheckConfig healthCheck,
      BackendTls tls,
      Integer quicConnectionIdLength,
      StickySession stickySession,
      SlowStart slowStart,
      Integer deregistrationDelaySeconds) {
    this(
        name,
        protocol,
        algorithm,
        members,
        healthCheck,
        tls,
        quicConnectionIdLength,
        stickySession,
        slowStart,
        deregistrationDelaySeconds,
        null);
  }

  /** A group without TLS or QUIC settings. */
  public GroupConfig(
      String name,
      BackendProtocol protocol,
      Algorithm algorithm,
      List<MemberConfig> members,
      HealthCheckConfig healthCheck) {
    this(name, protocol, algorithm, members, healthCheck, null, null);
  }

  /** A group without sticky sessions or slow start. */
  public GroupConfig(
      String name,
      BackendProtocol protocol,
      Algorithm algorithm,
      List<MemberConfig> members,
      HealthCheckConfig healthCheck,
      BackendTls tls,
      Integer quicConnectionIdLength) {
    this(name, protocol, algorithm, members, healthCheck, tls, quicConnectionIdLength, null, null);
  }

  /** A group with the default deregistration delay. */
  public GroupConfig(
      String name,
      BackendProtocol protocol,
      Algorithm algorithm,
      List<MemberConfig> members,
      HealthCheckConfig healthCheck,
      BackendTls tls,
      Integer quicConnectionIdLength,
      StickySession stickySession,
      SlowStart slowStart) {
    this(
        name,
        protocol,
        algorithm,
        members,
        healthCheck,
        tls,
        quicConnectionIdLength,
        stickySession,
        slowStart,
        DEFAULT_DEREGISTRATION_DELAY_SECONDS);
  }
}
