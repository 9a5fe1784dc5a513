package dev.elbow.dataplane.reliability;

import static dev.elbow.dataplane.testing.Snapshots.group;
import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.SteadyLoad;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.SnapshotJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Bad snapshots, as a buggy operator or a forged request would send them, while traffic flows: each
 * is refused (422 with the reasons, 400 when it is not even a snapshot) and the last good
 * configuration keeps serving every request.
 */
@Tag("reliability")
class BadSnapshotUnderLoadTest {

  private final HttpClient admin = HttpClient.newHttpClient();

  @Test
  void refusedSnapshotsLeaveTrafficUntouched() throws Exception {
    int port = FreePorts.next();
    try (TestDataPlane dataPlane = TestDataPlane.start();
        DemoBackend a = DemoBackend.http("a", 0);
        DemoBackend b = DemoBackend.http("b", 0)) {
      Snapshot good =
          new Snapshot(
              1,
              List.of(listener("ns/web", ListenerProtocol.HTTP, port, "ns/web")),
              List.of(
                  group(
                      "ns/web",
                      BackendProtocol.HTTP,
                      HealthCheckConfig.DISABLED,
                      List.of(member(a.port(), 1), member(b.port(), 1)))));
      dataPlane.apply(good);
      SteadyLoad load = SteadyLoad.start(port, "/", 4, 200);
      await().atMost(Duration.ofSeconds(10)).until(() -> load.sent() > 200);

      List<String> bad =
          List.of(
              // a listener naming a missing group, a member on port 0
              json(
                  new Snapshot(
                      2,
                      List.of(listener("ns/web", ListenerProtocol.HTTP, port, "ns/missing")),
                      List.of(
                          group(
                              "ns/web",
                              BackendProtocol.TCP,
                              HealthCheckConfig.DISABLED,
                              List.of(member(0, 1)))))),
              // two listeners on one port
              json(
                  new Snapshot(
                      3,
                      List.of(
                          listener("ns/a", ListenerProtocol.HTTP, port, "ns/web"),
                          listener("ns/b", ListenerProtocol.TCP, port, "ns/web")),
                      good.groups())),
              "{\"version\": 4, \"listeners\": [{\"name\": 7}]}",
              "not json at all",
              "");
      int refused = 0;
      for (String body : bad) {
        HttpResponse<String> response = put(dataPlane, body);
        assertThat(response.statusCode()).as(body).isIn(400, 422);
        refused++;
        assertThat(dataPlane.dataPlane().appliedVersion()).isEqualTo(1);
      }
      long before = load.sent();
      await().atMost(Duration.ofSeconds(10)).until(() -> load.sent() > before + 200);
      SteadyLoad.Result result = load.stop();

      assertThat(result.failed()).as(result.why()).isZero();
      assertThat(dataPlane.dataPlane().appliedVersion()).isEqualTo(1);
      ReliabilityRows.record(
          "bad snapshot pushed (buggy operator or forged request)",
          result.load(),
          refused
              + " bad snapshots PUT with the admin token (invalid references, port clash,"
              + " wrong types, not JSON, empty)",
          result.sent(),
          result.failed(),
          "every bad snapshot refused (422 with reasons, 400 if not a snapshot); version 1 kept"
              + " serving. "
              + result.why());
    }
  }

  private static String json(Snapshot snapshot) {
    return new String(SnapshotJson.toBytes(snapshot), StandardCharsets.UTF_8);
  }

  private HttpResponse<String> put(TestDataPlane dataPlane, String body) throws Exception {
    return admin.send(
        HttpRequest.newBuilder(URI.create(dataPlane.adminUri() + "/v1/snapshot"))
            .header("Authorization", "Bearer " + TestDataPlane.TOKEN)
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
