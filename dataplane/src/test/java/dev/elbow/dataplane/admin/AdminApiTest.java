package dev.elbow.dataplane.admin;

import static dev.elbow.dataplane.testing.Snapshots.group;
import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.Snapshots;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.ApplyResult;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.DataPlaneStatus;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.SnapshotJson;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminApiTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private TestDataPlane dataPlane;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
  }

  private Snapshot snapshot(long version, int port) {
    return Snapshots.httpToOneMember(version, port, 9);
  }

  private HttpResponse<byte[]> put(String token, byte[] body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(dataPlane.adminUri().resolve("/v1/snapshot"))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> get(String pathAndQuery, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(dataPlane.adminUri().resolve(pathAndQuery))
            .timeout(Duration.ofSeconds(20));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void refusesCallsWithoutTheToken() throws Exception {
    byte[] body = SnapshotJson.toBytes(snapshot(1, FreePorts.next()));
    assertThat(put(null, body).statusCode()).isEqualTo(401);
    assertThat(put("wrong", body).statusCode()).isEqualTo(401);
    HttpResponse<byte[]> status = get("/v1/status", null);
    assertThat(status.statusCode()).isEqualTo(401);
    assertThat(status.headers().firstValue("www-authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(dataPlane.dataPlane().status().appliedVersion()).isZero();
  }

  @Test
  void healthProbeNeedsNoToken() throws Exception {
    assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void readinessProbeNeedsNoTokenAndWaitsForTheFirstSnapshot() throws Exception {
    HttpResponse<byte[]> before = get("/readyz", null);
    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(new String(before.body(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("no snapshot applied yet\n");
    // Liveness does not wait for a snapshot.
    assertThat(get("/healthz", null).statusCode()).isEqualTo(200);

    dataPlane.apply(snapshot(2, FreePorts.next()));

    HttpResponse<byte[]> after = get("/readyz", null);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(new String(after.body(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("ready\n");
    assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
    // Only the two probes are open.
    assertThat(get("/readyzz", null).statusCode()).isEqualTo(401);
  }

  @Test
  void appliesASnapshotAndReportsItsVersion() throws Exception {
    int port = FreePorts.next();
    HttpResponse<byte[]> response =
        put(TestDataPlane.TOKEN, SnapshotJson.toBytes(snapshot(3, port)));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(SnapshotJson.read(response.body(), ApplyResult.class))
        .isEqualTo(ApplyResult.applied(3));

    DataPlaneStatus status =
        SnapshotJson.read(get("/v1/status", TestDataPlane.TOKEN).body(), DataPlaneStatus.class);
    assertThat(status.appliedVersion()).isEqualTo(3);
    assertThat(status.groups())
        .singleElement()
        .satisfies(g -> assertThat(g.name()).isEqualTo("ns/web"));
    assertThat(dataPlane.dataPlane().openPorts()).containsExactly(port);

    // The same push again is a no-op, not an error.
    assertThat(put(TestDataPlane.TOKEN, SnapshotJson.toBytes(snapshot(3, port))).statusCode())
        .isEqualTo(200);
  }

  @Test
  void servesPrometheusMetricsToTokenHoldersOnly() throws Exception {
    int port = FreePorts.next();
    put(TestDataPlane.TOKEN, SnapshotJson.toBytes(snapshot(4, port)));
    assertThat(get("/metrics", "wrong-token").statusCode()).isEqualTo(401);
    HttpResponse<byte[]> response = get("/metrics", TestDataPlane.TOKEN);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    String text = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text)
        .contains("elbow_snapshot_version 4.0")
        .containsPattern("elbow_member_in_flight\\{group=\"ns/web\",member=\"[^\"]+\"} 0\\.0")
        .containsPattern(
            "elbow_member_effective_weight\\{group=\"ns/web\",member=\"[^\"]+\"} 1\\.0")
        .containsPattern("elbow_member_started_total\\{group=\"ns/web\",member=\"[^\"]+\"} 0\\.0")
        .containsPattern(
            "elbow_member_health\\{group=\"ns/web\",member=\"[^\"]+\",state=\"[a-z]+\"} 1\\.0")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void refusesAnInvalidSnapshotWithReasonsAndKeepsTheLastGoodOne() throws Exception {
    int port = FreePorts.next();
    put(TestDataPlane.TOKEN, SnapshotJson.toBytes(snapshot(1, port)));
    Snapshot bad =
        new Snapshot(
            2,
            List.of(listener("ns/web", ListenerProtocol.HTTP, port, "ns/missing")),
            List.of(
                group(
                    "ns/web",
                    BackendProtocol.TCP,
                    HealthCheckConfig.DISABLED,
                    List.of(member(0, 1)))));

    HttpResponse<byte[]> response = put(TestDataPlane.TOKEN, SnapshotJson.toBytes(bad));

    assertThat(response.statusCode()).isEqualTo(422);
    ApplyResult result = SnapshotJson.read(response.body(), ApplyResult.class);
    assertThat(result.appliedVersion()).isEqualTo(1);
    assertThat(result.errors())
        .containsExactlyInAnyOrder(
            "groups[0].members[0].port: must be 1-65535, was 0",
            "listeners[0].group: no group named \"ns/missing\" in this snapshot");
    assertThat(dataPlane.dataPlane().status().appliedVersion()).isEqualTo(1);
    assertThat(dataPlane.dataPlane().openPorts()).containsExactly(port);
  }

  @Test
  void refusesMalformedJsonAndStaleVersions() throws Exception {
    assertThat(
            put(TestDataPlane.TOKEN, "{\"version\": 1, \"listners\": []}".getBytes()).statusCode())
        .isEqualTo(400);
    int port = FreePorts.next();
    put(TestDataPlane.TOKEN, SnapshotJson.toBytes(snapshot(5, port)));
    HttpResponse<byte[]> stale = put(TestDataPlane.TOKEN, SnapshotJson.toBytes(snapshot(4, port)));
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(SnapshotJson.read(stale.body(), ApplyResult.class).appliedVersion()).isEqualTo(5);
  }

  @Test
  void aPortThatIsTakenIsReportedAndOpensOnceFree() throws Exception {
    int taken = FreePorts.next();
    java.net.ServerSocket occupant =
        new java.net.ServerSocket(taken, 1, java.net.InetAddress.getLoopbackAddress());
    try {
      // The snapshot is applied; only the one listener waits for its port.
      HttpResponse<byte[]> response =
          put(TestDataPlane.TOKEN, SnapshotJson.toBytes(snapshot(1, taken)));
      assertThat(response.statusCode()).isEqualTo(200);
      DataPlaneStatus status = dataPlane.dataPlane().status();
      assertThat(status.appliedVersion()).isEqualTo(1);
      assertThat(status.listeners())
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.open()).isFalse();
                assertThat(l.reason()).startsWith("cannot listen on TCP 127.0.0.1:" + taken);
              });
    } finally {
      occupant.close();
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> dataPlane.dataPlane().status().listeners().get(0).open());
    assertThat(dataPlane.dataPlane().openPorts()).containsExactly(taken);
  }

  @Test
  void statusWatchersWakeUpOnChange() throws Exception {
    long revision = dataPlane.dataPlane().revision();
    CompletableFuture<HttpResponse<byte[]>> watch =
        http.sendAsync(
            HttpRequest.newBuilder(
                    dataPlane
                        .adminUri()
                        .resolve("/v1/status?after=" + revision + "&waitSeconds=30"))
                .header("Authorization", "Bearer " + TestDataPlane.TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    // The watcher waits while nothing changes...
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !watch.isDone());
    // ...and answers as soon as something does.
    dataPlane.apply(snapshot(7, FreePorts.next()));
    DataPlaneStatus status =
        SnapshotJson.read(
            watch.get(10, java.util.concurrent.TimeUnit.SECONDS).body(), DataPlaneStatus.class);
    assertThat(status.appliedVersion()).isEqualTo(7);
    assertThat(status.revision()).isGreaterThan(revision);
  }

  @Test
  void aWatchFromBeforeARestartIsAnsweredAtOnce() throws Exception {
    long revision = dataPlane.dataPlane().revision();
    HttpResponse<byte[]> response =
        get(
            "/v1/status?after=" + (revision + 100) + "&instance=some-earlier-run&waitSeconds=30",
            TestDataPlane.TOKEN);
    DataPlaneStatus status = SnapshotJson.read(response.body(), DataPlaneStatus.class);
    assertThat(status.instance())
        .isEqualTo(dataPlane.dataPlane().instance())
        .isNotEqualTo("some-earlier-run");
  }

  @Test
  void closingTheDataPlaneClosesWaitingWatchers() throws Exception {
    try (java.net.Socket socket =
        new java.net.Socket("127.0.0.1", dataPlane.dataPlane().adminPort())) {
      socket.setSoTimeout(10_000);
      long after = dataPlane.dataPlane().revision();
      socket
          .getOutputStream()
          .write(
              ("GET /v1/status?after="
                      + after
                      + "&waitSeconds=60 HTTP/1.1\r\nHost: x\r\n"
                      + "Authorization: Bearer "
                      + TestDataPlane.TOKEN
                      + "\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      await()
          .during(Duration.ofMillis(200))
          .atMost(Duration.ofSeconds(2))
          .until(() -> socket.getInputStream().available() == 0);
      dataPlane.close();
      // The watcher learns at once that this data plane is gone, instead of waiting out its poll.
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() {
    String request =
        "GET /v1/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + TestDataPlane.TOKEN
            + "\r\n\r\n";
    String health = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    String answers =
        dev.elbow.dataplane.testing.RawHttp.exchange(
            dataPlane.dataPlane().adminPort(), request + health + request, 1_000);
    int first = answers.indexOf("\"instance\"");
    int second = answers.indexOf("ok\n");
    int third = answers.indexOf("\"instance\"", second);
    assertThat(first).isPositive();
    assertThat(second).isGreaterThan(first);
    assertThat(third).isGreaterThan(second);
  }

  @Test
  void unknownPathsAre404() throws Exception {
    assertThat(get("/v2/whatever", TestDataPlane.TOKEN).statusCode()).isEqualTo(404);
  }
}
