package dev.elbow.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PROXY protocol settings: ranges a listener trusts, and the header a TCP group sends. */
class ProxyProtocolSnapshotTest {

  private static final MemberConfig MEMBER = new MemberConfig("10.0.0.1", 443, 1);

  private static GroupConfig group(BackendProtocol protocol, ProxyProtocol proxyProtocol) {
    return new GroupConfig(
        "d/g",
        protocol,
        Algorithm.ROUND_ROBIN,
        List.of(MEMBER),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        proxyProtocol,
        null);
  }

  private static ListenerConfig listener(ListenerProtocol protocol, List<String> from) {
    return new ListenerConfig("d/l", protocol, 8080, "d/g", null, null, from);
  }

  @Test
  void rangesMatchByPrefixAndFamily() throws Exception {
    Cidr tens = Cidr.parse("10.0.0.0/8");
    assertThat(tens.contains(InetAddress.getByName("10.200.3.4"))).isTrue();
    assertThat(tens.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
    assertThat(tens.contains(InetAddress.getByName("::ffff:a00:1"))).as("mapped: IPv4").isTrue();
    Cidr odd = Cidr.parse("192.168.1.128/25");
    assertThat(odd.contains(InetAddress.getByName("192.168.1.200"))).isTrue();
    assertThat(odd.contains(InetAddress.getByName("192.168.1.127"))).isFalse();
    assertThat(Cidr.parse("fd00::/8").contains(InetAddress.getByName("fd12::1"))).isTrue();
    assertThat(Cidr.parse("fd00::/8").contains(InetAddress.getByName("10.0.0.1"))).isFalse();
    assertThat(Cidr.parse("127.0.0.1").contains(InetAddress.getByName("127.0.0.1"))).isTrue();
    assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8"))).isTrue();
  }

  @Test
  void aBadRangeSaysWhatIsWrong() {
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix length");
    assertThatThrownBy(() -> Cidr.parse("lb.example.com/8")).hasMessageContaining("not an IPv4");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("0-32");
  }

  @Test
  void theValidatorNamesTheFieldAndTheFix() {
    GroupConfig tcp = group(BackendProtocol.TCP, ProxyProtocol.V2);
    assertThat(
            SnapshotValidator.validate(
                new Snapshot(
                    1,
                    List.of(listener(ListenerProtocol.TCP, List.of("10.0.0.0/8"))),
                    List.of(tcp))))
        .isEmpty();
    assertThat(
            SnapshotValidator.validate(
                new Snapshot(
                    1,
                    List.of(listener(ListenerProtocol.TCP, List.of("10.0.0.0/8", "10.0.0.0/99"))),
                    List.of(tcp))))
        .containsExactly(
            "listeners[0].proxyProtocolFrom[1]: \"10.0.0.0/99\": the prefix length must be 0-32");
    assertThat(
            SnapshotValidator.validate(
                new Snapshot(
                    1,
                    List.of(listener(ListenerProtocol.HTTP, List.of())),
                    List.of(group(BackendProtocol.HTTP, ProxyProtocol.V1)))))
        .singleElement()
        .asString()
        .startsWith("groups[0].proxyProtocol: only TCP and UDP groups");
    assertThat(
            SnapshotValidator.validate(
                new Snapshot(
                    1,
                    List.of(listener(ListenerProtocol.UDP, List.of())),
                    List.of(group(BackendProtocol.UDP, ProxyProtocol.V2)))))
        .isEmpty();
    assertThat(
            SnapshotValidator.validate(
                new Snapshot(
                    1,
                    List.of(listener(ListenerProtocol.UDP, List.of())),
                    List.of(group(BackendProtocol.UDP, ProxyProtocol.V1)))))
        .containsExactly(
            "groups[0].proxyProtocol: UDP groups send version 2 only (version 1 has no datagram"
                + " form); set V2");
  }

  @Test
  void theSettingsSurviveJson() throws Exception {
    Snapshot snapshot =
        new Snapshot(
            1,
            List.of(listener(ListenerProtocol.TCP, List.of("10.0.0.0/8"))),
            List.of(group(BackendProtocol.TCP, ProxyProtocol.V1)));
    assertThat(SnapshotJson.read(SnapshotJson.toBytes(snapshot), Snapshot.class))
        .isEqualTo(snapshot);
  }
}
