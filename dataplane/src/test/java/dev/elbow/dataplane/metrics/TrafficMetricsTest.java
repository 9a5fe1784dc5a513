package dev.elbow.dataplane.metrics;

import static dev.elbow.dataplane.testing.Snapshots.group;
import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.HttpTestClient;
import dev.elbow.dataplane.testing.Scrape;
import dev.elbow.dataplane.testing.TcpTestClient;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.UdpEchoServer;
import dev.elbow.dataplane.testing.UdpTestClient;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The listener, member and error metrics, scraped after real traffic through the proxy. */
class TrafficMetricsTest {

  private final HttpTestClient http = new HttpTestClient();
  private TestDataPlane dataPlane;
  private DemoBackend backend;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    if (backend != null) {
      backend.close();
    }
  }

  private String scrape() {
    return dataPlane.dataPlane().metrics();
  }

  /** Passes once the scraped text passes the check, as the counters are added to concurrently. */
  private void eventually(java.util.function.Consumer<String> check) {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> check.accept(scrape()));
  }

  private static double value(String text, String name, String... labels) {
    return Scrape.value(text, name, labels);
  }

  /** A series of the listener ns/web, which every test serves. */
  private static double ofListener(String text, String name) {
    return value(text, name, "listener", "ns/web");
  }

  private static double requests(String text, String code) {
    return value(text, "elbow_http_requests_total", "listener", "ns/web", "code", code);
  }

  private static double errors(String text, String kind) {
    return value(text, "elbow_errors_total", "listener", "ns/web", "kind", kind);
  }

  /** Requests timed in the duration histogram of ns/web and its group. */
  private static double timed(String text) {
    return value(
        text, "elbow_http_request_duration_seconds_count", "listener", "ns/web", "group", "ns/web");
  }

  private static double connects(String text) {
    return value(text, "elbow_member_connect_duration_seconds_count", "group", "ns/web");
  }

  /** The listener's and the member's byte counters are exactly these. */
  private static void assertBytes(String text, String member, long fromClients, long toClients) {
    assertThat(ofListener(text, "elbow_listener_received_bytes_total")).isEqualTo(fromClients);
    assertThat(ofListener(text, "elbow_listener_sent_bytes_total")).isEqualTo(toClients);
    assertThat(value(text, "elbow_member_sent_bytes_total", "member", member))
        .isEqualTo(fromClients);
    assertThat(value(text, "elbow_member_received_bytes_total", "member", member))
        .isEqualTo(toClients);
  }

  private void serve(ListenerProtocol protocol, BackendProtocol group, int port, int memberPort) {
    serve(protocol, group, port, memberPort, 1);
  }

  private void serve(
      ListenerProtocol protocol, BackendProtocol group, int port, int memberPort, int weight) {
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(listener("ns/web", protocol, port, "ns/web")),
            List.of(
                group(
                    "ns/web",
                    group,
                    HealthCheckConfig.DISABLED,
                    List.of(member(memberPort, weight))))));
  }

  @Test
  void countsHttpRequestsByStatusClassBytesAndDurations() {
    backend = DemoBackend.http("a", 0);
    int port = FreePorts.next();
    serve(ListenerProtocol.HTTP, BackendProtocol.HTTP, port, backend.port());
    URI base = URI.create("http://127.0.0.1:" + port);
    for (int i = 0; i < 5; i++) {
      assertThat(http.get(base.resolve("/")).statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(http.get(base.resolve("/status/404")).statusCode()).isEqualTo(404);
    }
    String body = "x".repeat(10_000);
    HttpResponse<String> echoed =
        http.send(
            HttpRequest.newBuilder(base.resolve("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    assertThat(echoed.body()).isEqualTo(body); // the demo backend echoes a body

    String member = "127.0.0.1:" + backend.port();
    eventually(
        text -> {
          assertThat(requests(text, "2xx")).isEqualTo(6);
          assertThat(requests(text, "4xx")).isEqualTo(2);
          assertThat(requests(text, "5xx")).isZero();
          assertThat(timed(text)).isEqualTo(8);
          assertThat(
                  value(
                      text,
                      "elbow_http_request_duration_seconds_bucket",
                      "listener",
                      "ns/web",
                      "le",
                      "+Inf"))
              .isEqualTo(8);
          assertThat(ofListener(text, "elbow_listener_received_bytes_total"))
              .isGreaterThanOrEqualTo(10_000);
          assertThat(ofListener(text, "elbow_listener_sent_bytes_total"))
              .isGreaterThanOrEqualTo(10_000);
          assertThat(value(text, "elbow_member_sent_bytes_total", "member", member))
              .isGreaterThanOrEqualTo(10_000);
          assertThat(value(text, "elbow_member_received_bytes_total", "member", member))
              .isGreaterThanOrEqualTo(10_000);
          assertThat(ofListener(text, "elbow_listener_connections_accepted_total"))
              .isGreaterThanOrEqualTo(1);
          // Keep-alive connections to the member: at least one connect, all timed.
          assertThat(connects(text)).isGreaterThanOrEqualTo(1);
          assertThat(errors(text, "connect_refused")).isZero();
        });
  }

  @Test
  void countsTcpConnectionsAndTheirBytes() throws Exception {
    backend = DemoBackend.tcp("a", 0);
    int port = FreePorts.next();
    serve(ListenerProtocol.TCP, BackendProtocol.TCP, port, backend.port());
    for (int i = 0; i < 3; i++) {
      assertThat(TcpTestClient.backendOf(port)).isEqualTo("a");
    }
    String member = "127.0.0.1:" + backend.port();
    eventually(
        text -> {
          assertThat(ofListener(text, "elbow_listener_connections_accepted_total")).isEqualTo(3);
          assertThat(ofListener(text, "elbow_listener_connections_active")).isZero();
          // "hello\n" in, "a: hello\n" out, on each connection.
          assertBytes(text, member, 3 * 6, 3 * 9);
          assertThat(connects(text)).isEqualTo(3);
        });
    // An open connection is active until it closes.
    try (Socket socket = new Socket("127.0.0.1", port)) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> ofListener(scrape(), "elbow_listener_connections_active") == 1);
    }
  }

  @Test
  void countsRefusedConnectsAsErrorsAndTheirRepliesAs5xx() {
    int stopped = FreePorts.next(); // nothing listens here
    int port = FreePorts.next();
    serve(ListenerProtocol.HTTP, BackendProtocol.HTTP, port, stopped);
    for (int i = 0; i < 3; i++) {
      assertThat(http.get(URI.create("http://127.0.0.1:" + port + "/")).statusCode())
          .isEqualTo(502);
    }
    eventually(
        text -> {
          // One member: nothing to retry on, so one refused connect per request.
          assertThat(errors(text, "connect_refused")).isEqualTo(3);
          assertThat(requests(text, "5xx")).isEqualTo(3);
          assertThat(timed(text)).isEqualTo(3);
        });
  }

  @Test
  void countsRequestsNoMemberCanTake() {
    backend = DemoBackend.http("a", 0);
    int port = FreePorts.next();
    serve(ListenerProtocol.HTTP, BackendProtocol.HTTP, port, backend.port(), 0); // weight 0
    for (int i = 0; i < 2; i++) {
      assertThat(http.get(URI.create("http://127.0.0.1:" + port + "/")).statusCode())
          .isEqualTo(503);
    }
    String text = scrape();
    assertThat(errors(text, "no_healthy_member")).isEqualTo(2);
    assertThat(requests(text, "5xx")).isEqualTo(2);
    assertThat(backend.served()).isZero();
  }

  @Test
  void countsUdpBytesBothWays() {
    try (UdpEchoServer echo = UdpEchoServer.start("u")) {
      int port = FreePorts.next();
      serve(ListenerProtocol.UDP, BackendProtocol.UDP, port, echo.port());
      try (UdpTestClient client = new UdpTestClient(port)) {
        assertThat(client.request("ping")).isEqualTo("u:ping");
      }
      String member = "127.0.0.1:" + echo.port();
      eventually(
          text -> {
            assertBytes(text, member, 4, 6);
          });
    }
  }

  @Test
  void aRemovedListenerTakesItsSeriesAlong() {
    backend = DemoBackend.tcp("a", 0);
    serve(ListenerProtocol.TCP, BackendProtocol.TCP, FreePorts.next(), backend.port());
    assertThat(scrape()).contains("elbow_listener_connections_accepted_total{listener=\"ns/web\"}");
    dataPlane.apply(new Snapshot(2, List.of(), List.of()));
    assertThat(scrape())
        .doesNotContain("listener=\"ns/web\"")
        .doesNotContain("elbow_member_connect_duration_seconds_count{group=\"ns/web\"}");
  }
}
