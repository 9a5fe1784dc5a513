package dev.elbow.dataplane.testing;

import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HealthCheckProtocol;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.PassiveHealth;
import dev.elbow.snapshot.ProtocolVersion;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.testing.TestCertificates;
import java.util.List;

/** Builders for the snapshot parts tests use most. */
public final class Snapshots {

  private Snapshots() {}

  public static MemberConfig member(int port, int weight) {
    return new MemberConfig("127.0.0.1", port, weight);
  }

  public static HealthCheckConfig tcpCheck(int intervalSeconds, int timeoutSeconds, int threshold) {
    return new HealthCheckConfig(
        true,
        HealthCheckProtocol.TCP,
        null,
        intervalSeconds,
        timeoutSeconds,
        1,
        threshold,
        null,
        null,
        null);
  }

  public static HealthCheckConfig httpCheck(
      int intervalSeconds, int timeoutSeconds, int threshold) {
    return new HealthCheckConfig(
        true,
        HealthCheckProtocol.HTTP,
        null,
        intervalSeconds,
        timeoutSeconds,
        1,
        threshold,
        "/healthz",
        null,
        "200");
  }

  /** A UDP check every 2 s with a 1 s timeout, one result decides. */
  public static HealthCheckConfig udpCheck(String send, String expect) {
    return new HealthCheckConfig(
        true, HealthCheckProtocol.UDP, null, 2, 1, 1, 1, null, null, null, send, expect);
  }

  public static GroupConfig group(
      String name, BackendProtocol protocol, HealthCheckConfig check, List<MemberConfig> members) {
    return new GroupConfig(name, protocol, Algorithm.ROUND_ROBIN, members, check);
  }

  /** The same group with this passive health. */
  public static GroupConfig withPassiveHealth(GroupConfig g, PassiveHealth passiveHealth) {
    return new GroupConfig(
        g.name(),
        g.protocol(),
        g.algorithm(),
        g.members(),
        g.healthCheck(),
        g.tls(),
        g.quicConnectionIdLength(),
        g.stickySession(),
        g.slowStart(),
        g.deregistrationDelaySeconds(),
        passiveHealth);
  }

  /** Passive health as Envoy's defaults, but with these failures in a row and panic threshold. */
  public static PassiveHealth passiveHealth(int consecutiveFailures, int panicThresholdPercent) {
    return new PassiveHealth(
        true,
        consecutiveFailures,
        PassiveHealth.DEFAULT_BASE_EJECTION_SECONDS,
        PassiveHealth.DEFAULT_MAX_EJECTION_SECONDS,
        PassiveHealth.DEFAULT_MAX_EJECTION_PERCENT,
        panicThresholdPercent);
  }

  /** A group without health checks whose one member, at weight 1, is on this loopback port. */
  public static GroupConfig uncheckedGroup(String name, BackendProtocol protocol, int memberPort) {
    return group(name, protocol, HealthCheckConfig.DISABLED, List.of(member(memberPort, 1)));
  }

  /** One HTTP listener on {@code port} to an unchecked group of one member, both "ns/web". */
  public static Snapshot httpToOneMember(long version, int port, int memberPort) {
    return new Snapshot(
        version,
        List.of(listener("ns/web", ListenerProtocol.HTTP, port, "ns/web")),
        List.of(uncheckedGroup("ns/web", BackendProtocol.HTTP, memberPort)));
  }

  /** One UDP listener on {@code port} to a QUIC_CID group of these members, both "d/quic". */
  public static Snapshot quicCid(int port, HealthCheckConfig check, int... memberPorts) {
    List<MemberConfig> members = new java.util.ArrayList<>();
    for (int memberPort : memberPorts) {
      members.add(member(memberPort, 1));
    }
    return new Snapshot(
        1,
        List.of(listener("d/quic", ListenerProtocol.UDP, port, "d/quic")),
        List.of(
            new GroupConfig("d/quic", BackendProtocol.QUIC, Algorithm.QUIC_CID, members, check)));
  }

  public static ListenerConfig listener(
      String name, ListenerProtocol protocol, int port, String group) {
    return new ListenerConfig(name, protocol, port, group);
  }

  /**
   * An HTTP group whose members speak HTTP/2 (h2c), at weight 1 on these loopback ports.
   *
   * @param check the group's health check, or {@link HealthCheckConfig#DISABLED}
   */
  public static GroupConfig http2Group(
      String name, Algorithm algorithm, HealthCheckConfig check, int... memberPorts) {
    List<MemberConfig> members = new java.util.ArrayList<>();
    for (int port : memberPorts) {
      members.add(member(port, 1));
    }
    return new GroupConfig(
        name,
        BackendProtocol.HTTP,
        algorithm,
        members,
        check,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        ProtocolVersion.HTTP2);
  }

  /**
   * An HTTPS listener "ns/tls" (the test certificate "default") and an HTTP listener "ns/plain",
   * both to {@code group}: a client may come over h2 by ALPN or h2c alike.
   */
  public static Snapshot httpsAndHttp(int httpsPort, int httpPort, GroupConfig group) {
    return new Snapshot(
        1,
        List.of(
            new ListenerConfig(
                "ns/tls",
                ListenerProtocol.HTTPS,
                httpsPort,
                group.name(),
                ListenerTimeouts.DEFAULTS,
                List.of(TestCertificates.certificate("default"))),
            new ListenerConfig("ns/plain", ListenerProtocol.HTTP, httpPort, group.name())),
        List.of(group));
  }
}
