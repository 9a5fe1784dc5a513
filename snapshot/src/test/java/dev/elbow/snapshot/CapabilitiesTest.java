package dev.elbow.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

  @Test
  void namesWhatThisReleaseCannotServe() {
    Snapshot snapshot =
        new Snapshot(
            1,
            List.of(new ListenerConfig("ns/a", ListenerProtocol.HTTPS, 443, "ns/g")),
            List.of(
                new GroupConfig(
                    "ns/g",
                    BackendProtocol.HTTPS,
                    Algorithm.LEAST_CONNECTIONS,
                    List.of(),
                    new HealthCheckConfig(
                        true, HealthCheckProtocol.HTTPS, null, 5, 3, 3, 3, "/", null, "200"))));
    assertThat(Capabilities.unsupported(snapshot))
        .containsExactly(
            "listeners[0].protocol: HTTPS is not supported yet for listeners; use HTTP or TCP or UDP",
            "groups[0].protocol: HTTPS is not supported yet for groups; use HTTP or QUIC or TCP or"
                + " UDP",
            "groups[0].algorithm: LEAST_CONNECTIONS is not supported yet for groups; use QUIC_CID or"
                + " ROUND_ROBIN",
            "groups[0].healthCheck.protocol: HTTPS is not supported yet for health checks; use HTTP or"
                + " TCP or UDP");
  }

  @Test
  void servesTcpAndHttpWithRoundRobin() {
    Snapshot snapshot =
        new Snapshot(
            1,
            List.of(new ListenerConfig("ns/a", ListenerProtocol.TCP, 5432, "ns/g")),
            List.of(
                new GroupConfig(
                    "ns/g",
                    BackendProtocol.TCP,
                    Algorithm.ROUND_ROBIN,
                    List.of(),
                    HealthCheckConfig.DISABLED)));
    assertThat(Capabilities.unsupported(snapshot)).isEmpty();
  }
}
