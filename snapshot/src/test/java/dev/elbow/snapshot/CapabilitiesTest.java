package dev.elbow.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

  @Test
  void namesWhatThisReleaseCannotServeAndServesEveryProtocol() {
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
            "groups[0].algorithm: LEAST_CONNECTIONS is not supported yet for groups; use QUIC_CID or"
                + " ROUND_ROBIN or SOURCE_IP");
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
