package dev.elbow.operator.expose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficServicePortsTest {

  @Test
  void onePortPerNumberAndTransportSortedAndNamed() {
    List<ServicePort> ports =
        TrafficServicePorts.of(
            List.of(
                new ListenerConfig("a/https", ListenerProtocol.HTTPS, 443, "a/web"),
                new ListenerConfig("a/quic", ListenerProtocol.UDP, 443, "a/quic"),
                new ListenerConfig("a/dns", ListenerProtocol.UDP, 53, "a/dns"),
                new ListenerConfig("a/web", ListenerProtocol.HTTP, 80, "a/web"),
                new ListenerConfig("a/db", ListenerProtocol.TCP, 5432, "a/db")));
    assertThat(ports)
        .extracting(
            p ->
                p.getName()
                    + " "
                    + p.getProtocol()
                    + " "
                    + p.getPort()
                    + ">"
                    + p.getTargetPort().getIntVal())
        .containsExactly(
            "udp-53 UDP 53>53",
            "tcp-80 TCP 80>80",
            "tcp-443 TCP 443>443",
            "udp-443 UDP 443>443",
            "tcp-5432 TCP 5432>5432");
  }

  @Test
  void theSameListenersMakeEqualPortsWhateverTheirOrder() {
    ListenerConfig a = new ListenerConfig("a/a", ListenerProtocol.TCP, 81, "a/g");
    ListenerConfig b = new ListenerConfig("a/b", ListenerProtocol.HTTP, 80, "a/g");
    assertThat(TrafficServicePorts.of(List.of(a, b)))
        .isEqualTo(TrafficServicePorts.of(List.of(b, a)));
    assertThat(TrafficServicePorts.of(List.of())).isEmpty();
  }
}
