package dev.elbow.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotJsonTest {

  @Test
  void snapshotSurvivesTheWire() throws IOException {
    Snapshot snapshot =
        new Snapshot(
            3,
            List.of(new ListenerConfig("ns/l", ListenerProtocol.TCP, 9000, "ns/g")),
            List.of(
                new GroupConfig(
                    "ns/g",
                    BackendProtocol.TCP,
                    Algorithm.ROUND_ROBIN,
                    List.of(new MemberConfig("::1", 9001, 2)),
                    new HealthCheckConfig(
                        true, HealthCheckProtocol.TCP, 9100, 2, 1, 1, 2, null, null, null))));
    assertThat(SnapshotJson.read(SnapshotJson.toBytes(snapshot), Snapshot.class))
        .isEqualTo(snapshot);
  }

  @Test
  void statusSurvivesTheWire() throws IOException {
    DataPlaneStatus status =
        new DataPlaneStatus(
            "e3b0c442",
            4,
            9,
            List.of(
                new ListenerState(
                    "ns/l", 80, false, "cannot listen on 0.0.0.0:80: Permission denied")),
            List.of(
                new GroupHealth(
                    "ns/g",
                    List.of(
                        new MemberHealth(
                            "10.0.0.1",
                            80,
                            HealthState.UNHEALTHY,
                            "connection refused",
                            Instant.parse("2026-11-25T10:00:00Z"))))));
    byte[] json = SnapshotJson.toBytes(status);
    assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"2026-11-25T10:00:00Z\"");
    assertThat(SnapshotJson.read(json, DataPlaneStatus.class)).isEqualTo(status);
  }

  @Test
  void refusesUnknownFieldsByName() {
    byte[] json = "{\"version\":1,\"listners\":[]}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> SnapshotJson.read(json, Snapshot.class))
        .hasMessageContaining("listners");
  }
}
