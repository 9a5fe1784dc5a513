package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.httpsAndHttp;
import static dev.elbow.dataplane.testing.Snapshots.uncheckedGroup;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.H2TestClient;
import dev.elbow.dataplane.testing.StreamingMember;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.BackendProtocol;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/2 streams proxied to an HTTP/1.1 member are streamed both ways, on an HTTPS listener (h2 by
 * ALPN) and on an HTTP listener (h2c with prior knowledge): bodies larger than any buffer pass
 * whole, each event of a long response reaches the client while the member still holds the response
 * open, trailers pass both ways, HEAD keeps the member's length, and a client that stops reading
 * stops the member (flow control end to end).
 */
class Http2StreamingTest {

  private static final int MIB = 1 << 20;

  private TestDataPlane dataPlane;
  private StreamingMember member;
  private int httpsPort;
  private int httpPort;

  @BeforeEach
  void start() throws Exception {
    dataPlane = TestDataPlane.start();
    member = new StreamingMember();
    httpsPort = FreePorts.next();
    httpPort = FreePorts.next();
    dataPlane.apply(
        httpsAndHttp(
            httpsPort, httpPort, uncheckedGroup("ns/web", BackendProtocol.HTTP, member.port())));
  }

  @AfterEach
  void stop() throws Exception {
    dataPlane.close();
    member.close();
  }

  private H2TestClient client(String listener) throws Exception {
    return listener.equals("h2") ? H2TestClient.tls(httpsPort) : H2TestClient.cleartext(httpPort);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void aDownloadLargerThanAnyBufferPassesWhole(String listener) throws Exception {
    try (H2TestClient client = client(listener)) {
      var stream = client.open(H2TestClient.request("GET", "/download/" + 20 * MIB), true, true);
      stream.await(60);
      assertThat(stream.status()).isEqualTo("200");
      assertThat(stream.head(1).get("content-length")).hasToString(Integer.toString(20 * MIB));
      assertThat(stream.bodyBytes()).isEqualTo(20 * MIB);
      assertThat(stream.resetCode()).isEqualTo(-1);
    }
  }

  /**
   * A client that sends {@code expect: 100-continue} waits for the member's 100 before it sends the
   * body (RFC 9110 10.1.1): the 100 reaches it as an interim HEADERS, and the answer follows.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void aHundredContinueReachesTheClientBeforeItSendsTheBody(String listener) throws Exception {
    try (H2TestClient client = client(listener)) {
      Http2Headers head =
          H2TestClient.request("POST", "/upload")
              .add("expect", "100-continue")
              .add("content-length", "5");
      var stream = client.open(head, false, true);
      assertThat(stream.interim(10).status()).hasToString("100");
      stream.send("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII), true);
      stream.await(10);
      assertThat(stream.status()).isEqualTo("200");
      assertThat(stream.text()).isEqualTo("bytes=5");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void anUploadOfUnstatedLengthIsStreamedChunkedWithItsTrailers(String listener) throws Exception {
    try (H2TestClient client = client(listener)) {
      var stream = client.open(H2TestClient.request("POST", "/upload"), false, true);
      stream.send(new byte[20 * MIB], false);
      stream.sendTrailers(new DefaultHttp2Headers().add("x-checksum", "c0ffee"));
      stream.await(60);
      assertThat(stream.status()).isEqualTo("200");
      assertThat(stream.text()).isEqualTo("bytes=" + 20 * MIB);
      assertThat(member.received()).isEqualTo(20 * MIB);
      assertThat(member.lastRequestHead()).contains("transfer-encoding: chunked");
      Http2Headers trailers = stream.trailers();
      assertThat(trailers).as("the member's trailers").isNotNull();
      assertThat(trailers.get("x-echo-checksum")).hasToString("c0ffee");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void eachEventReachesTheClientWhileTheMemberHoldsTheResponseOpen(String listener)
      throws Exception {
    try (H2TestClient client = client(listener)) {
      var stream = client.open(H2TestClient.request("GET", "/events"), true, true);
      assertThat(stream.head(10).status()).hasToString("200");
      for (int tick = 1; tick <= 3; tick++) {
        member.releaseTick(); // the member writes the next event only now
        int seen = tick;
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> stream.text().contains("data: tick " + seen + "\n\n"));
        // A proxy that gathered the response would show nothing before the member ended it, and
        // the member ends it only after the third release.
      }
      stream.await(10);
      assertThat(stream.pieces()).hasSizeGreaterThanOrEqualTo(3);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void headKeepsTheMembersLengthAndSendsNoBody(String listener) throws Exception {
    try (H2TestClient client = client(listener)) {
      var stream = client.open(H2TestClient.request("HEAD", "/download/12345"), true, true);
      stream.await(10);
      assertThat(stream.status()).isEqualTo("200");
      assertThat(stream.head(1).get("content-length")).hasToString("12345");
      assertThat(stream.bodyBytes()).isZero();
      assertThat(member.lastRequestHead()).startsWith("HEAD /download/12345 HTTP/1.1");
      assertThat(member.lastRequestHead())
          .contains("x-forwarded-proto: " + (listener.equals("h2") ? "https" : "http"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void aClientThatStopsReadingStopsTheMember(String listener) throws Exception {
    try (H2TestClient client = client(listener)) {
      long size = 1L << 30;
      var stream = client.open(H2TestClient.request("GET", "/download/" + size), true, false);
      assertThat(stream.head(10).status()).hasToString("200");
      // The member writes until the sockets and windows between it and the client are full,
      // then blocks: the proxy reads it only while the client's window is open.
      awaitStill(member::sent);
      assertThat(member.sent())
          .as("bytes the member could write while the client read none")
          .isLessThan(16L * MIB);
      stream.cancel();
    }
  }

  /**
   * The other way: a member that reads none of the body stops the client, through the stream's
   * flow-control window, which opens only as the member takes what came before.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void aMemberThatStopsReadingStopsTheClient(String listener) throws Exception {
    try (H2TestClient client = client(listener)) {
      var stream = client.open(H2TestClient.request("POST", "/stalled-upload"), false, false);
      AtomicLong accepted = new AtomicLong();
      byte[] piece = new byte[64 * 1024];
      Thread sender =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 1024; i++) {
                    stream.send(piece, false);
                    accepted.addAndGet(piece.length);
                  }
                } catch (Exception e) {
                  // the stream was cancelled: the test is over
                }
              },
              "stalled-upload-sender");
      sender.setDaemon(true);
      sender.start();
      awaitStill(accepted::get);
      assertThat(accepted.get())
          .as("bytes the client could send while the member read none")
          .isLessThan(16L * MIB);
      stream.cancel();
    }
  }

  /** Waits until a count of bytes stops moving: whatever was blocking has blocked. */
  private static void awaitStill(java.util.function.LongSupplier bytes) {
    long[] last = {-1};
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              long now = bytes.getAsLong();
              boolean still = now == last[0];
              last[0] = now;
              return still;
            });
  }

  /**
   * A head whose method, path or authority would split the request line an HTTP/1.1 member reads (a
   * method "GET /admin" and path "/public" made "GET /admin /public HTTP/1.1") resets its stream
   * with PROTOCOL_ERROR (RFC 9113 8.3.1); the connection goes on.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void aHeadThatWouldSplitTheMembersRequestLineIsRefused(String listener) throws Exception {
    // A method that is no token: Netty's HPACK decoder refuses it before the stream sees it.
    try (H2TestClient client = client(listener)) {
      var stream = client.open(H2TestClient.request("GET /admin", "/public"), true, true);
      stream.await(10);
      assertThat(stream.status()).as("never answered").isNull();
    }
    try (H2TestClient client = client(listener)) {
      for (Http2Headers head :
          List.of(
              H2TestClient.request("GET", "/a b"),
              H2TestClient.request("GET", "/a").authority("localhost\tx"))) {
        var stream = client.open(head, true, true);
        stream.await(10);
        assertThat(stream.resetCode())
            .as(head + " answered " + stream.status() + " " + stream.text())
            .isEqualTo(Http2Error.PROTOCOL_ERROR.code());
      }
      var fine = client.open(H2TestClient.request("GET", "/download/10"), true, true);
      fine.await(10);
      assertThat(fine.status()).as("the connection goes on").isEqualTo("200");
    }
  }
}
