package dev.elbow.dataplane.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.RecordingBackend.Received;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.snapshot.ListenerTimeouts;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hop-by-hop headers (RFC 9110 7.6.1) end at the proxy: Connection, Keep-Alive, Proxy-Connection,
 * TE, Trailer and Upgrade (the proxy makes no upgrades, so an Upgrade is never real here), and
 * every header the Connection header names; the member sees the rest. Framing headers and Host stay
 * even when named, or a client could strip them and smuggle its body in as a request.
 */
@Tag("reliability")
class HopByHopHeadersTest {

  private static final List<String> HOP_BY_HOP =
      List.of(
          "Connection",
          "Keep-Alive",
          "Proxy-Connection",
          "TE",
          "Trailer",
          "Upgrade",
          "X-Named-First",
          "X-Named-Second",
          "X-Named-Later");

  private final HostileHttp http = new HostileHttp(ListenerTimeouts.DEFAULTS);

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void theMemberSeesNoHopByHopHeader() {
    String request =
        "POST /form HTTP/1.1\r\n"
            + "Host: example.com\r\n"
            + "Connection: keep-alive, X-Named-First,x-named-second , Content-Length, Host\r\n"
            + "Connection: X-Named-Later\r\n"
            + "Keep-Alive: timeout=5, max=100\r\n"
            + "Proxy-Connection: keep-alive\r\n"
            + "TE: trailers, deflate\r\n"
            + "Trailer: X-Checksum\r\n"
            + "Upgrade: websocket\r\n"
            + "X-Named-First: 1\r\n"
            + "x-named-second: 2\r\n"
            + "X-Named-Later: 3\r\n"
            + "X-Kept: end-to-end\r\n"
            + "Content-Length: 5\r\n"
            + "\r\n"
            + "hello";
    String answer = RawHttp.exchange(http.port, request, 1_000);
    assertThat(answer).startsWith("HTTP/1.1 200");
    assertThat(http.backend.requests()).hasSize(1);
    Received received = http.backend.requests().get(0);
    for (String name : HOP_BY_HOP) {
      assertThat(received.has(name)).as(name + " reached the member").isFalse();
    }
    assertThat(received.has("X-Kept")).isTrue();
    assertThat(received.has("Host")).isTrue();
    assertThat(received.has("Content-Length")).isTrue();
    assertThat(http.backend.raw()).endsWith("hello");
    ReliabilityRows.record(
        "HTTP hop-by-hop headers stripped",
        "1 request with every hop-by-hop header and 3 named in Connection",
        "Connection naming Content-Length and Host",
        1,
        0,
        "the member saw none of the " + HOP_BY_HOP.size() + " hop-by-hop headers; framing kept");
  }
}
