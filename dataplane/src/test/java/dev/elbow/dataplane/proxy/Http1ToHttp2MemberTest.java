package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.http2Group;
import static dev.elbow.dataplane.testing.Snapshots.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.H2cMember;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 clients of a group whose members speak only HTTP/2: each request goes to the member as a
 * stream of one pooled connection, and the answer comes back as HTTP/1.1, chunked (with the
 * member's trailers) since it states no length, on a connection that stays open for the next.
 */
class Http1ToHttp2MemberTest {

  private TestDataPlane dataPlane;
  private H2cMember member;
  private int port;

  @BeforeEach
  void start() throws Exception {
    member = new H2cMember();
    dataPlane = TestDataPlane.start();
    port = FreePorts.next();
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(new ListenerConfig("ns/web", ListenerProtocol.HTTP, port, "ns/h2")),
            List.of(
                http2Group(
                    "ns/h2", Algorithm.ROUND_ROBIN, HealthCheckConfig.DISABLED, member.port()))));
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    member.close();
  }

  @Test
  void requestsOfAKeptAliveConnectionShareOneMemberConnection() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> get =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/item/" + i)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(get.body()).isEqualTo("GET /item/" + i + " 0");
    }
    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.body()).isEqualTo("POST /upload 100000");
    assertThat(member.connections()).as("streams of one member connection").isEqualTo(1);
  }

  @Test
  void theAnswerIsChunkedWithTheMembersTrailersAndPipelinedRequestsWaitTheirTurn()
      throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /a HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n"
                  + "GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String both = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      int second = both.indexOf("HTTP/1.1 200", 1);
      assertThat(second).as("two responses").isPositive();
      String first = both.substring(0, second).toLowerCase();
      assertThat(first).startsWith("http/1.1 200").contains("transfer-encoding: chunked");
      assertThat(first).contains("get /a 0").contains("\r\n0\r\nx-served-by: h2c\r\n\r\n");
      assertThat(both.substring(second).toLowerCase())
          .contains("connection: close")
          .contains("get /b 0");
    }
  }

  /**
   * A weighted rule between an HTTP/1.1 group and an HTTP/2 one, from HTTP/1.1 clients: the turn
   * the frontend picks is the one served. (The stream path once picked again after the hand-over,
   * so the HTTP/2 group's turns went to the other group.)
   */
  @Test
  void aWeightedRuleSplitsEvenlyWhenOneGroupSpeaksHttp2() {
    try (dev.elbow.dataplane.demo.DemoBackend h1 =
        dev.elbow.dataplane.demo.DemoBackend.http("h1", 0)) {
      dataPlane.apply(
          new Snapshot(
              2,
              List.of(
                  withRule(
                      new dev.elbow.snapshot.HttpRule(
                          null,
                          null,
                          List.of(
                              new dev.elbow.snapshot.HttpRule.WeightedGroup("ns/h1", 1),
                              new dev.elbow.snapshot.HttpRule.WeightedGroup("ns/h2", 1))))),
              List.of(
                  http2Group(
                      "ns/h2", Algorithm.ROUND_ROBIN, HealthCheckConfig.DISABLED, member.port()),
                  dev.elbow.dataplane.testing.Snapshots.uncheckedGroup(
                      "ns/h1", dev.elbow.snapshot.BackendProtocol.HTTP, h1.port()))));
      int toHttp2 = 0;
      for (int i = 0; i < 40; i++) {
        String answer =
            dev.elbow.dataplane.testing.RawHttp.exchange(
                port, "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 2_000);
        assertThat(answer).startsWith("HTTP/1.1 200");
        toHttp2 += answer.contains("x-backend: h1") ? 0 : 1;
      }
      assertThat(toHttp2).as("of 40, to the HTTP/2 group").isEqualTo(20);
    }
  }

  /**
   * An answer made without a member on a connection handed to HTTP/2 streams: one Content-Length,
   * and the connection stays open for the next request. (The answers once got a second
   * Content-Length, which clients refuse, and closed the connection without saying so.)
   */
  @Test
  void aRedirectOnAnHttp2GroupsConnectionHasOneLengthAndKeepsTheConnection() throws Exception {
    dataPlane.apply(
        new Snapshot(
            2,
            List.of(
                withRule(
                    new dev.elbow.snapshot.HttpRule(
                        null,
                        List.of(
                            dev.elbow.snapshot.HttpRule.Match.path(
                                dev.elbow.snapshot.HttpRule.PathType.EXACT, "/old")),
                        List.of(),
                        new dev.elbow.snapshot.HttpRule.Redirect(null, null, null, "/new", 301),
                        null))),
            List.of(
                http2Group(
                    "ns/h2", Algorithm.ROUND_ROBIN, HealthCheckConfig.DISABLED, member.port()))));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200").contains("GET /a 0");
      out.write("GET /old HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String redirect = readResponse(in).toLowerCase();
      assertThat(redirect)
          .startsWith("http/1.1 301")
          .contains("location: http://x:" + port + "/new");
      assertThat(redirect.split("content-length:", -1)).as("one Content-Length").hasSize(2);
      out.write("GET /b HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readResponse(in))
          .as("after the redirect, on the same connection")
          .startsWith("HTTP/1.1 200")
          .contains("GET /b 0");
    }
  }

  /**
   * An HTTP/1.1 client that sends {@code Expect: 100-continue} waits for the 100 before its body:
   * the HTTP/2 member's interim 100 (Netty's aggregator sends one) reaches it as an HTTP/1.1 100
   * Continue, unframed, and the answer follows on the same connection.
   */
  @Test
  void aHundredContinueFromTheHttp2MemberReachesTheHttp1Client() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          ("POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readResponse(in)).isEqualToIgnoringCase("HTTP/1.1 100 Continue\r\n\r\n");
      out.write("hello".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200").contains("POST /up 5");
    }
  }

  /**
   * The test's HTTP listener, forwarding to the HTTP/2 group unless {@code rule} takes a request.
   */
  private ListenerConfig withRule(dev.elbow.snapshot.HttpRule rule) {
    return new ListenerConfig(
        "ns/web", ListenerProtocol.HTTP, port, "ns/h2", null, null, null, List.of(rule));
  }

  /** One response: its head, and a body of stated length or chunked to its last chunk. */
  private static String readResponse(InputStream in) throws java.io.IOException {
    StringBuilder text = new StringBuilder();
    while (!text.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return text.toString();
      }
      text.append((char) b);
    }
    String head = text.toString().toLowerCase();
    java.util.regex.Matcher length =
        java.util.regex.Pattern.compile("content-length: *(\\d+)").matcher(head);
    if (length.find()) {
      text.append(
          new String(
              in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.ISO_8859_1));
    } else if (head.contains("transfer-encoding: chunked")) {
      while (!text.toString().endsWith("\r\n0\r\n\r\n")
          && !text.toString().matches("(?s).*\r\n0\r\n.*\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        text.append((char) b);
      }
    }
    return text.toString();
  }
}
