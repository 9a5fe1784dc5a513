package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.group;
import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.Offenders;
import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.ScriptedMember;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.TestTls;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.PassiveHealth;
import dev.elbow.snapshot.Snapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a failure at a member may and may not lead to: a request with a body, or one that changes
 * things, is never sent twice; a GET is sent once more, once; a member whose connects time out is
 * ejected after 5 in a row; and the HTTP/2 path judges members as the HTTP/1 path does.
 */
class RetrySafetyTest {

  private TestDataPlane dataPlane;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private int port;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start(TestDataPlane.options().connectTimeoutMillis(300));
    port = FreePorts.next();
  }

  @AfterEach
  void stop() throws Exception {
    dataPlane.close();
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private ScriptedMember scripted(String name) throws IOException {
    ScriptedMember m = new ScriptedMember(name);
    closing.add(m);
    return m;
  }

  private void serve(ListenerProtocol protocol, int... memberPorts) {
    List<dev.elbow.snapshot.MemberConfig> members = new ArrayList<>();
    for (int p : memberPorts) {
      members.add(member(p, 1));
    }
    dataPlane.apply(
        new Snapshot(
            dataPlane.dataPlane().status().appliedVersion() + 1,
            List.of(
                new ListenerConfig(
                    "ns/web",
                    protocol,
                    port,
                    "ns/web",
                    ListenerTimeouts.DEFAULTS,
                    protocol == ListenerProtocol.HTTPS ? List.of(certificate("default")) : null)),
            // No active checks: what traffic finds is all there is to go by.
            List.of(group("ns/web", BackendProtocol.HTTP, HealthCheckConfig.DISABLED, members))));
  }

  private int send(String head) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      return Offenders.status(socket.getInputStream());
    }
  }

  @Test
  void aRequestWithABodyOrThatChangesThingsIsNeverSentTwice() throws Exception {
    ScriptedMember a = scripted("a");
    ScriptedMember b = scripted("b");
    a.resetting = true;
    b.resetting = true;
    serve(ListenerProtocol.HTTP, a.port(), b.port());

    assertThat(send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"))
        .isEqualTo(502);
    assertThat(a.requests("POST /x") + b.requests("POST /x")).isEqualTo(1);
    assertThat(send("POST /y HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")).isEqualTo(502);
    assertThat(a.requests("POST /y") + b.requests("POST /y")).isEqualTo(1);
    assertThat(send("GET /z HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")).isEqualTo(502);
    assertThat(a.requests("GET /z") + b.requests("GET /z")).as("a GET with a body").isEqualTo(1);
    for (String method : List.of("PUT", "DELETE", "PATCH")) {
      assertThat(send(method + " /x HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(502);
      assertThat(a.requests(method + " /x") + b.requests(method + " /x")).isEqualTo(1);
    }

    // A body-less GET is sent once more (on the other member) and only once.
    assertThat(send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(502);
    assertThat(a.requests("GET /x") + b.requests("GET /x")).isEqualTo(2);
  }

  @Test
  void aMemberWhoseConnectsTimeOutIsEjectedAfterFiveAndCostsNoRequest() throws Exception {
    ScriptedMember good = scripted("good");
    try (Blackhole hole = new Blackhole()) {
      serve(ListenerProtocol.HTTP, hole.port(), good.port());
      for (int i = 0; i < 10; i++) {
        assertThat(RawHttp.status(port, "/")).isEqualTo(200);
      }
      MemberHealth ejected = dataPlane.memberHealth(hole.port());
      assertThat(ejected.state()).isEqualTo(HealthState.UNHEALTHY);
      assertThat(ejected.reason())
          .isEqualTo("ejected by passive health: 5 failures in a row, the last: connect timeout");
      assertThat(dataPlane.ejections(hole.port())).isEqualTo(1.0);
      assertThat(good.requests("GET /")).isEqualTo(10);
    }
  }

  @Test
  void http2StreamsRetryAndEjectAResettingMemberAndAGarbageAnswerIs502() throws Exception {
    ScriptedMember a = scripted("a");
    ScriptedMember b = scripted("b");
    a.resetting = true;
    serve(ListenerProtocol.HTTPS, a.port(), b.port());
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(TestTls.clientTrustingTestCa())
            .version(HttpClient.Version.HTTP_2)
            .build();
    int failed = 0;
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = h2(client, "/");
      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      failed += response.statusCode() == 200 ? 0 : 1;
    }
    // As on HTTP/1: each GET that a reset went once more to b, and after 5 resets a was ejected.
    assertThat(failed).isZero();
    assertThat(b.requests("GET /")).isEqualTo(10);
    assertThat(dataPlane.memberHealth(a.port()).reason())
        .startsWith("ejected by passive health: 5 failures in a row");
    assertThat(a.requests("GET /")).isEqualTo(PassiveHealth.DEFAULT_CONSECUTIVE_FAILURES);

    b.misbehaves = true;
    HttpResponse<String> garbage = h2(client, "/garbage");
    assertThat(garbage.statusCode()).isEqualTo(502);
    assertThat(garbage.body()).startsWith("502 Bad Gateway\n").doesNotContain("127.0.0.1");
    assertThat(garbage.headers().firstValue("x-request-id")).isPresent();
  }

  private HttpResponse<String> h2(HttpClient client, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A listening port that never completes a connect: its accept queue is full (it never accepts),
   * so the kernel drops further SYNs and a connect times out, as to a host that is gone.
   */
  private static final class Blackhole implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    final List<Socket> fillers = new ArrayList<>();

    Blackhole() throws IOException {
      for (int i = 0; i < 16; i++) {
        Socket filler = new Socket();
        fillers.add(filler);
        try {
          filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 300);
        } catch (SocketTimeoutException full) {
          return; // the queue is full: connects now time out
        }
      }
      throw new IllegalStateException("the accept queue never filled");
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      for (Socket s : fillers) {
        s.close();
      }
      server.close();
    }
  }
}
