package dev.elbow.snapshot;

import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static dev.elbow.snapshot.testing.TestCertificates.pem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of what UDP, QUIC and HTTPS add: port families, timeouts, certificates, TLS. */
class SnapshotValidatorProtocolsTest {

  private static final MemberConfig MEMBER = new MemberConfig("10.0.0.1", 443, 1);

  private static GroupConfig group(String name, BackendProtocol protocol, BackendTls tls) {
    return new GroupConfig(name, protocol, Algorithm.ROUND_ROBIN, List.of(MEMBER), null, tls, null);
  }

  private static Snapshot of(List<ListenerConfig> listeners, GroupConfig... groups) {
    return new Snapshot(1, listeners, List.of(groups));
  }

  @Test
  void aUdpAndATcpListenerMayShareAPortNumberButTwoTcpOnesMayNot() {
    GroupConfig udp = group("d/udp", BackendProtocol.UDP, null);
    GroupConfig tcp = group("d/tcp", BackendProtocol.TCP, null);
    var sharing =
        List.of(
            new ListenerConfig("d/a", ListenerProtocol.UDP, 53, "d/udp"),
            new ListenerConfig("d/b", ListenerProtocol.TCP, 53, "d/tcp"));
    assertThat(SnapshotValidator.validate(of(sharing, udp, tcp))).isEmpty();

    var clashing =
        List.of(
            new ListenerConfig("d/a", ListenerProtocol.TCP, 53, "d/tcp"),
            new ListenerConfig("d/b", ListenerProtocol.TCP, 53, "d/tcp"));
    assertThat(SnapshotValidator.validate(of(clashing, tcp)))
        .containsExactly("listeners[1].port: TCP 53 is already used by listener d/a");
  }

  @Test
  void timeoutsKeepToElbRanges() {
    var listener =
        new ListenerConfig(
            "d/a",
            ListenerProtocol.TCP,
            80,
            "d/tcp",
            new ListenerTimeouts(9, 4001, -1, 0, 301),
            null);
    assertThat(
            SnapshotValidator.validate(
                of(List.of(listener), group("d/tcp", BackendProtocol.TCP, null))))
        .containsExactly(
            "listeners[0].timeouts.tcpIdleSeconds: must be 10-4000, was 9",
            "listeners[0].timeouts.udpIdleSeconds: must be 10-4000, was 4001",
            "listeners[0].timeouts.httpKeepAliveSeconds: must be 0-4000, was -1",
            "listeners[0].timeouts.requestSeconds: must be 1-300, was 0",
            "listeners[0].timeouts.responseSeconds: must be 1-300, was 301");
  }

  @Test
  void httpsListenersNeedGoodCertificatesAndOnlyThey() {
    GroupConfig http = group("d/web", BackendProtocol.HTTP, null);
    var bare = new ListenerConfig("d/a", ListenerProtocol.HTTPS, 443, "d/web");
    var badKey =
        new ListenerConfig(
            "d/b",
            ListenerProtocol.HTTPS,
            8443,
            "d/web",
            null,
            List.of(new TlsCertificate("d/www", pem("default.crt"), "junk")));
    var plainWithCert =
        new ListenerConfig(
            "d/c", ListenerProtocol.HTTP, 80, "d/web", null, List.of(certificate("default")));
    var good =
        new ListenerConfig(
            "d/d",
            ListenerProtocol.HTTPS,
            9443,
            "d/web",
            null,
            List.of(certificate("default"), certificate("api")));
    assertThat(SnapshotValidator.validate(of(List.of(bare, badKey, plainWithCert, good), http)))
        .containsExactly(
            "listeners[0].certificates: an HTTPS listener needs at least one certificate",
            "listeners[1].certificates[0]: tls.key of d/www is not a usable private key: no PEM"
                + " private key block found",
            "listeners[2].certificates: only HTTPS listeners take certificates");
  }

  @Test
  void httpsGroupsVerifyMembersUnlessToldExplicitlyNotTo() {
    assertThat(SnapshotValidator.validate(of(List.of(), group("d/a", BackendProtocol.HTTPS, null))))
        .containsExactly(
            "groups[0].tls: an HTTPS group needs a CA bundle to verify its members, or"
                + " insecureSkipVerify: true to skip verification");
    assertThat(
            SnapshotValidator.validate(
                of(
                    List.of(),
                    group("d/a", BackendProtocol.HTTPS, new BackendTls(null, false, null)))))
        .containsExactly(
            "groups[0].tls: give either a CA bundle or insecureSkipVerify: true, exactly one of"
                + " them");
    assertThat(
            SnapshotValidator.validate(
                of(
                    List.of(),
                    group(
                        "d/a", BackendProtocol.HTTPS, new BackendTls(pem("ca.crt"), false, "a.b")),
                    group("d/b", BackendProtocol.HTTPS, new BackendTls(null, true, null)))))
        .isEmpty();
    assertThat(
            SnapshotValidator.validate(
                of(
                    List.of(),
                    group("d/a", BackendProtocol.HTTP, new BackendTls(null, true, "bad name!")))))
        .containsExactly(
            "groups[0].tls: applies only to HTTPS groups and HTTPS health checks",
            "groups[0].tls.serverName: \"bad name!\" is not a DNS name");
  }

  @Test
  void quicConnectionIdLengthAppliesToQuicGroupsOnly() {
    var tcp =
        new GroupConfig(
            "d/a", BackendProtocol.TCP, Algorithm.ROUND_ROBIN, List.of(), null, null, 8);
    var quic =
        new GroupConfig("d/b", BackendProtocol.QUIC, Algorithm.QUIC_CID, List.of(), null, null, 21);
    assertThat(SnapshotValidator.validate(of(List.of(), tcp, quic)))
        .containsExactly(
            "groups[0].quicConnectionIdLength: applies only to QUIC groups",
            "groups[1].quicConnectionIdLength: must be 1-20, was 21");
  }

  @Test
  void udpProbeSettingsApplyToUdpChecksOnly() {
    var check =
        new HealthCheckConfig(
            true, HealthCheckProtocol.TCP, null, 5, 3, 3, 3, null, null, null, "ping", "");
    var tcp = new GroupConfig("d/a", BackendProtocol.TCP, Algorithm.ROUND_ROBIN, List.of(), check);
    assertThat(SnapshotValidator.validate(of(List.of(), tcp)))
        .containsExactly(
            "groups[0].healthCheck: udpSend and udpExpect apply only to UDP checks",
            "groups[0].healthCheck.udpExpect: must not be empty; leave it out to accept any"
                + " reply");
  }
}
