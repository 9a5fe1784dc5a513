package dev.elbow.dataplane.hostile;

import static dev.elbow.dataplane.testing.Snapshots.group;
import static dev.elbow.dataplane.testing.Snapshots.member;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.RecordingBackend;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.Snapshot;
import java.util.List;

/** A data plane with one HTTP listener in front of a {@link RecordingBackend}. */
final class HostileHttp implements AutoCloseable {

  final TestDataPlane dataPlane;
  final RecordingBackend backend = RecordingBackend.start();
  final int port = FreePorts.next();

  HostileHttp(ListenerTimeouts timeouts) {
    this(TestDataPlane.start(), timeouts);
  }

  HostileHttp(TestDataPlane dataPlane, ListenerTimeouts timeouts) {
    this.dataPlane = dataPlane;
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(
                new ListenerConfig(
                    "ns/web", ListenerProtocol.HTTP, port, "ns/web", timeouts, null)),
            List.of(
                group(
                    "ns/web",
                    BackendProtocol.HTTP,
                    HealthCheckConfig.DISABLED,
                    List.of(member(backend.port(), 1))))));
  }

  /** The Prometheus text of the admin API's {@code /metrics}. */
  String metrics() {
    return dataPlane.adminGet("/metrics");
  }

  @Override
  public void close() {
    dataPlane.close();
    backend.close();
  }
}
