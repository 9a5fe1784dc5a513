package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.group;
import static dev.elbow.dataplane.testing.Snapshots.httpCheck;
import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.HttpTestClient;
import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.Snapshots;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.transport.Transport;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.Snapshot;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy on the best transport here; subclasses run the same tests on the others. */
class HttpProxyTest {

  /** The transport under test. */
  protected Transport transport() {
    return Transport.best();
  }

  private final HttpTestClient client = new HttpTestClient();
  private TestDataPlane dataPlane;
  private DemoBackend a;
  private DemoBackend b;
  private DemoBackend c;
  private int port;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start(TestDataPlane.options().transport(transport()));
    a = DemoBackend.http("a", 0);
    b = DemoBackend.http("b", 0);
    c = DemoBackend.http("c", 0);
    port = FreePorts.next();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    a.close();
    b.close();
    c.close();
  }

  private Snapshot snapshot(long version, HealthCheckConfig check) {
    return snapshot(version, check, ListenerTimeouts.DEFAULTS);
  }

  private Snapshot snapshot(long version, HealthCheckConfig check, ListenerTimeouts timeouts) {
    return new Snapshot(
        version,
        List.of(
            new ListenerConfig("ns/web", ListenerProtocol.HTTP, port, "ns/web", timeouts, null)),
        List.of(
            group(
                "ns/web",
                BackendProtocol.HTTP,
                check,
                List.of(member(a.port(), 1), member(b.port(), 2), member(c.port(), 3)))));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Test
  void splitsRequestsByWeight() {
    dataPlane.apply(snapshot(1, HealthCheckConfig.DISABLED));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 600; i++) {
      counts.merge(client.backendOf(uri("/")), 1, Integer::sum);
    }
    assertThat(counts).containsEntry("a", 100).containsEntry("b", 200).containsEntry("c", 300);
  }

  @Test
  void tellsTheBackendWhoTheClientIs() {
    dataPlane.apply(snapshot(1, HealthCheckConfig.DISABLED));
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri("/"))
                .header("X-Forwarded-For", "203.0.113.7")
                .header("X-Forwarded-Proto", "https")
                .build());
    assertThat(response.headers().firstValue("x-seen-forwarded-for"))
        .hasValue("203.0.113.7, 127.0.0.1");
    assertThat(response.headers().firstValue("x-seen-forwarded-proto")).hasValue("http");
    assertThat(response.headers().firstValue("x-seen-forwarded-port"))
        .hasValue(String.valueOf(port));
  }

  @Test
  void streamsRequestAndResponseBodies() {
    dataPlane.apply(snapshot(1, HealthCheckConfig.DISABLED));
    byte[] body = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(body);
    HttpResponse<byte[]> response;
    try {
      response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(uri("/echo"))
                      .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(body);
  }

  @Test
  void passesStatusCodesThrough() {
    dataPlane.apply(snapshot(1, HealthCheckConfig.DISABLED));
    assertThat(client.get(uri("/status/503")).statusCode()).isEqualTo(503);
    assertThat(client.get(uri("/status/404")).statusCode()).isEqualTo(404);
  }

  @Test
  void keepsClientConnectionsAliveAcrossRequestsAndHonoursPipelining() throws Exception {
    dataPlane.apply(snapshot(1, HealthCheckConfig.DISABLED));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      String request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
      // Three requests in one write: the proxy must answer all three, in order.
      out.write((request + request + request).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      int statusLines = 0;
      int bodies = 0;
      String line;
      while (bodies < 3 && (line = in.readLine()) != null) {
        if (line.startsWith("HTTP/1.1 200")) {
          statusLines++;
        }
        if (line.length() == 1) { // "a", "b" or "c": a body
          bodies++;
        }
      }
      assertThat(statusLines).isEqualTo(3);
      assertThat(bodies).isEqualTo(3);
    }
  }

  @Test
  void answers502WhenNoneAnswersAnd503WhenNoMemberMayTakeTraffic() {
    dataPlane.apply(snapshot(1, HealthCheckConfig.DISABLED));
    a.stop();
    b.stop();
    c.stop();
    HttpResponse<String> response = client.get(uri("/"));
    assertThat(response.statusCode()).isEqualTo(502);
    assertFixedErrorBody(response, "502 Bad Gateway");

    // Every member unhealthy: below the panic threshold (50% by default) all are still tried.
    dataPlane.apply(snapshot(2, httpCheck(2, 1, 1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> healthOf(a.port()) == HealthState.UNHEALTHY);
    await().atMost(Duration.ofSeconds(5)).until(() -> healthOf(c.port()) == HealthState.UNHEALTHY);
    assertThat(client.get(uri("/")).statusCode()).isEqualTo(502);

    // Without panic, nothing is tried.
    Snapshot calm = snapshot(3, httpCheck(2, 1, 1));
    dataPlane.apply(
        new Snapshot(
            3,
            calm.listeners(),
            List.of(
                Snapshots.withPassiveHealth(calm.groups().get(0), Snapshots.passiveHealth(5, 0)))));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(client.get(uri("/")).statusCode()).isEqualTo(503));
    assertFixedErrorBody(client.get(uri("/")), "503 Service Unavailable");
  }

  /**
   * An error the proxy answered: a short fixed text with a request ID, the same in the header, and
   * nothing from inside (no member address, group or exception).
   */
  static void assertFixedErrorBody(HttpResponse<String> response, String title) {
    String id = response.headers().firstValue("x-request-id").orElseThrow();
    assertThat(id).matches("[0-9a-f]{16}");
    assertThat(response.body()).startsWith(title + "\n").endsWith("Request ID: " + id + "\n");
    assertThat(response.body()).doesNotContain("127.0.0.1", "ns/", "Exception", "refused");
    assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
  }

  @Test
  void healthChecksTakeFailingMembersOutAndBringThemBack() {
    dataPlane.apply(snapshot(1, httpCheck(2, 1, 1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> healthOf(b.port()) == HealthState.HEALTHY);

    b.healthStatus(503);
    await().atMost(Duration.ofSeconds(5)).until(() -> healthOf(b.port()) == HealthState.UNHEALTHY);
    assertThat(reasonOf(b.port())).isEqualTo("HTTP 503");
    int served = b.served();
    for (int i = 0; i < 60; i++) {
      assertThat(client.backendOf(uri("/"))).isNotEqualTo("b");
    }
    assertThat(b.served()).isEqualTo(served);

    b.healthStatus(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> healthOf(b.port()) == HealthState.HEALTHY);
  }

  @Test
  void aMemberThatStopsAnsweringGetsTheClientA504() throws Exception {
    try (java.net.ServerSocket mute =
        new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
      // Accepts connections (the kernel does) and never answers.
      dataPlane.apply(
          new Snapshot(
              1,
              List.of(
                  new ListenerConfig(
                      "ns/web",
                      ListenerProtocol.HTTP,
                      port,
                      "ns/mute",
                      new ListenerTimeouts(300, 300, 60, 60, 1),
                      null)),
              List.of(
                  group(
                      "ns/mute",
                      BackendProtocol.HTTP,
                      HealthCheckConfig.DISABLED,
                      List.of(member(mute.getLocalPort(), 1))))));
      HttpResponse<String> response = client.get(uri("/"));
      assertThat(response.statusCode()).isEqualTo(504);
      assertFixedErrorBody(response, "504 Gateway Timeout");
    }
  }

  @Test
  void aConnectionHeaderCannotStripTheFramingAndSmuggleARequest() {
    dataPlane.apply(snapshot(1, HealthCheckConfig.DISABLED));
    String hidden = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    String answer =
        RawHttp.exchange(
            port,
            "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: content-length, transfer-encoding\r\n"
                + "Content-Length: "
                + hidden.length()
                + "\r\n\r\n"
                + hidden,
            1_000);
    // The would-be second request reaches the member as the body it is, and is echoed back.
    assertThat(answer).startsWith("HTTP/1.1 200").endsWith(hidden);
    assertThat(a.served() + b.served() + c.served()).isEqualTo(1);
  }

  @Test
  void refusesConnect() {
    dataPlane.apply(snapshot(1, HealthCheckConfig.DISABLED));
    String answer =
        RawHttp.exchange(
            port, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 1_000);
    assertThat(answer).startsWith("HTTP/1.1 405");
    assertThat(a.served() + b.served() + c.served()).isZero();
  }

  @Test
  void aConnectionThatSpeaksNoHttpIsClosedWithoutAnAnswer() throws Exception {
    dataPlane.apply(snapshot(1, HealthCheckConfig.DISABLED));
    // h2spec's invalid HTTP/2 preface (RFC 9113 3.4): the connection ends, no HTTP/1.1 answer.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      socket
          .getOutputStream()
          .write("INVALID CONNECTION PREFACE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(socket.getInputStream().read()).as("closed, nothing written").isEqualTo(-1);
    }
    // A line that names HTTP, however malformed, is still answered 400.
    assertThat(RawHttp.exchange(port, "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 1_000))
        .startsWith("HTTP/1.1 400");
    assertThat(a.served() + b.served() + c.served()).isZero();
  }

  @Test
  void aMalformedRequestBodyIsRefusedNotForwardedAsComplete() {
    dataPlane.apply(snapshot(1, HealthCheckConfig.DISABLED));
    String answer =
        RawHttp.exchange(
            port,
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n",
            1_000);
    assertThat(answer).startsWith("HTTP/1.1 400").contains("The request was malformed.");
    assertThat(a.served() + b.served() + c.served()).isZero();
  }

  @Test
  void aMemberThatAnswersWithSomethingElseThanHttpGetsTheClientA502() throws Exception {
    try (java.net.ServerSocket garbage = RawHttp.server(request -> "HELLO THERE\r\n\r\n")) {
      dataPlane.apply(
          new Snapshot(
              1,
              List.of(listener("ns/web", ListenerProtocol.HTTP, port, "ns/bad")),
              List.of(
                  group(
                      "ns/bad",
                      BackendProtocol.HTTP,
                      HealthCheckConfig.DISABLED,
                      List.of(member(garbage.getLocalPort(), 1))))));
      HttpResponse<String> response = client.get(uri("/"));
      assertThat(response.statusCode()).isEqualTo(502);
      assertFixedErrorBody(response, "502 Bad Gateway");
      HttpResponse<String> page =
          client.send(
              HttpRequest.newBuilder(uri("/")).header("Accept", "text/html,*/*;q=0.8").build());
      assertThat(page.statusCode()).isEqualTo(502);
      assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
      assertThat(page.body())
          .contains("<h1>502 Bad Gateway</h1>")
          .contains("Request ID: " + page.headers().firstValue("x-request-id").orElseThrow())
          .doesNotContain("127.0.0.1");
    }
  }

  @Test
  void http10ClientsAreServedAndTheMemberStillGetsAHost() {
    dataPlane.apply(snapshot(1, HealthCheckConfig.DISABLED));
    String answer = RawHttp.exchange(port, "GET / HTTP/1.0\r\n\r\n", 2_000);
    assertThat(answer).startsWith("HTTP/1.1 200").contains("x-seen-host: 127.0.0.1:" + port);
    assertThat(answer).doesNotContainIgnoringCase("transfer-encoding");
  }

  @Test
  void keepsEveryForwardedForLine() {
    dataPlane.apply(snapshot(1, HealthCheckConfig.DISABLED));
    String answer =
        RawHttp.exchange(
            port,
            "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.1\r\nX-Forwarded-For: 203.0.113.2\r\n"
                + "Connection: close\r\n\r\n",
            2_000);
    assertThat(answer).contains("x-seen-forwarded-for: 203.0.113.1, 203.0.113.2, 127.0.0.1");
  }

  @Test
  void aClientTricklingItsRequestHeadIsCutOffWithA408() throws Exception {
    dataPlane.apply(
        snapshot(1, HealthCheckConfig.DISABLED, new ListenerTimeouts(300, 300, 60, 1, 60)));
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      java.io.OutputStream out = socket.getOutputStream();
      out.write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      // A byte every 200 ms keeps an idle timer happy; the head deadline is not reset by it.
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                try {
                  out.write('X');
                  out.flush();
                  return false;
                } catch (java.io.IOException closed) {
                  return true;
                }
              });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void anUnfinishedRequestHeadGetsA408AndAnIdleConnectionIsClosedQuietly() throws Exception {
    dataPlane.apply(
        snapshot(1, HealthCheckConfig.DISABLED, new ListenerTimeouts(300, 300, 1, 1, 60)));
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout").contains("connection: close");
    }
    try (java.net.Socket idle = new java.net.Socket("127.0.0.1", port)) {
      idle.setSoTimeout(5000);
      idle.getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(idle.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      // One answer, then the keep-alive timeout closes the connection without a word.
      assertThat(answer)
          .startsWith("HTTP/1.1 200")
          .doesNotContain("HTTP/1.1 408"); // a status line: a port number may hold "408"
    }
  }

  @Test
  void keepAliveZeroClosesAfterEveryResponse() throws Exception {
    dataPlane.apply(
        snapshot(1, HealthCheckConfig.DISABLED, new ListenerTimeouts(300, 300, 0, 60, 60)));
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 200").contains("connection: close");
    }
  }

  @Test
  void noRequestFailsWhenAMemberStopsBetweenRequests() {
    // Health checks are slow here on purpose: the proxy must cope before they notice.
    dataPlane.apply(snapshot(1, httpCheck(50, 5, 10)));
    for (int i = 0; i < 30; i++) {
      client.backendOf(uri("/"));
    }
    b.stop();
    for (int i = 0; i < 120; i++) {
      assertThat(client.backendOf(uri("/"))).isIn("a", "c");
    }
  }

  private MemberHealth memberHealth(int memberPort) {
    return dataPlane.dataPlane().status().groups().get(0).members().stream()
        .filter(m -> m.port() == memberPort)
        .findFirst()
        .orElseThrow();
  }

  private HealthState healthOf(int memberPort) {
    return memberHealth(memberPort).state();
  }

  private String reasonOf(int memberPort) {
    return memberHealth(memberPort).reason();
  }
}
