package dev.elbow.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.SnapshotJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a data plane with requests in flight, as Kubernetes stops a pod: it stops being ready,
 * stops accepting, lets every request in flight finish, and exits on its own before its deadline.
 */
@Tag("reliability")
class GracefulShutdownIT {

  private static final int IN_FLIGHT = 8;
  private static final int SLOW_MILLIS = 3_000;

  @Test
  void inFlightRequestsFinishAndTheProcessExits() throws Exception {
    int adminPort = FreePorts.next();
    int port = FreePorts.next();
    HttpClient http = HttpClient.newHttpClient();
    try (DemoBackend backend = DemoBackend.http("a", 0);
        DataPlaneProcess dataPlane =
            DataPlaneProcess.start(adminPort, "--drain-timeout-seconds", "20")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> dataPlane.probe("/healthz") == 200);
      Snapshot snapshot =
          new Snapshot(
              1,
              List.of(new ListenerConfig("ns/web", ListenerProtocol.HTTP, port, "ns/web")),
              List.of(
                  new GroupConfig(
                      "ns/web",
                      BackendProtocol.HTTP,
                      Algorithm.ROUND_ROBIN,
                      List.of(new MemberConfig("127.0.0.1", backend.port(), 1)),
                      HealthCheckConfig.DISABLED)));
      HttpResponse<String> pushed =
          http.send(
              HttpRequest.newBuilder(dataPlane.adminUri().resolve("/v1/snapshot"))
                  .header("Authorization", "Bearer " + TestDataPlane.TOKEN)
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(SnapshotJson.toBytes(snapshot)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> dataPlane.probe("/readyz") == 200);

      // Bare clients that never retry: each request is sent once and its answer read whole.
      List<CompletableFuture<String>> inFlight = new ArrayList<>();
      for (int i = 0; i < IN_FLIGHT; i++) {
        inFlight.add(
            CompletableFuture.supplyAsync(
                () ->
                    RawHttp.exchange(
                        port,
                        "GET /slow/" + SLOW_MILLIS + " HTTP/1.1\r\nHost: x\r\n\r\n",
                        SLOW_MILLIS + 10_000)));
      }
      // In flight: the data plane counts them as active on the member.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> active(http, dataPlane, backend.port()) >= IN_FLIGHT);

      long terminated = System.nanoTime();
      dataPlane.terminate();
      await().atMost(Duration.ofSeconds(5)).until(() -> dataPlane.probe("/readyz") != 200);
      await().atMost(Duration.ofSeconds(5)).until(() -> !accepting(port));

      int ok = 0;
      for (CompletableFuture<String> request : inFlight) {
        String answer = request.get();
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).contains("a");
        ok++;
      }
      Integer exit = dataPlane.awaitExit(Duration.ofSeconds(25));
      // 143 = 128 + SIGTERM: how a JVM reports exiting on that signal once its hooks are done.
      assertThat(exit).as("exited by itself; log:\n%s", dataPlane.output()).isIn(0, 143);
      Duration took = Duration.ofNanos(System.nanoTime() - terminated);
      ReliabilityRows.record(
          "data plane graceful shutdown (SIGTERM)",
          IN_FLIGHT + " requests in flight, each answered after " + SLOW_MILLIS + " ms",
          "SIGTERM mid-request, drain deadline 20 s",
          IN_FLIGHT,
          IN_FLIGHT - ok,
          String.format(
              "/readyz turned 503 and the port closed at once; every request in flight got its"
                  + " whole answer; the process exited by itself after %d ms",
              took.toMillis()));
    }
  }

  /** The member's active count in the data plane's /v1/stats. */
  private static int active(HttpClient http, DataPlaneProcess dataPlane, int memberPort)
      throws Exception {
    String stats =
        http.send(
                HttpRequest.newBuilder(dataPlane.adminUri().resolve("/v1/stats"))
                    .header("Authorization", "Bearer " + TestDataPlane.TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher active =
        Pattern.compile("\"127\\.0\\.0\\.1:" + memberPort + "\"\\s*:\\s*(\\d+)").matcher(stats);
    return active.find() ? Integer.parseInt(active.group(1)) : -1;
  }

  private static boolean accepting(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
