package dev.elbow.dataplane.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.Scrape;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.ListenerTimeouts;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The data plane's connection limit: past it a new client connection is closed as soon as it is
 * accepted and counted as {@code elbow_errors_total{kind="connection_limit"}}, while the
 * connections already open keep being served; once one closes, a new one is taken again.
 */
@Tag("reliability")
class ConnectionLimitTest {

  private static final int LIMIT = 5;
  private static final int REFUSED = 10;

  private final HostileHttp http =
      new HostileHttp(
          TestDataPlane.start(TestDataPlane.options().maxConnections(LIMIT)),
          ListenerTimeouts.DEFAULTS);
  private final List<Socket> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : open) {
      socket.close();
    }
    http.close();
  }

  @Test
  void pastTheLimitNewConnectionsAreClosedAndCountedAndOldOnesServed() throws Exception {
    for (int i = 0; i < LIMIT; i++) {
      Socket socket = new Socket("127.0.0.1", http.port);
      open.add(socket);
      assertThat(RawHttp.keepAliveStatus(socket)).startsWith("HTTP/1.1 200");
    }
    for (int i = 0; i < REFUSED; i++) {
      try (Socket extra = new Socket("127.0.0.1", http.port)) {
        extra.setSoTimeout(5_000);
        assertThat(extra.getInputStream().read()).as("closed without a byte").isEqualTo(-1);
      }
    }
    assertThat(
            Scrape.value(
                http.metrics(),
                "elbow_errors_total",
                "listener",
                "ns/web",
                "kind",
                "connection_limit"))
        .isEqualTo(REFUSED);
    assertThat(Scrape.value(http.metrics(), "elbow_listener_connections_active")).isEqualTo(LIMIT);
    for (Socket socket : open) {
      assertThat(RawHttp.keepAliveStatus(socket)).startsWith("HTTP/1.1 200");
    }
    assertThat(http.backend.requests()).hasSize(2 * LIMIT);

    open.remove(0).close();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> http.dataPlane.dataPlane().connections().open() == LIMIT - 1);
    String answer =
        RawHttp.exchange(
            http.port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2_000);
    assertThat(answer).startsWith("HTTP/1.1 200");
    ReliabilityRows.record(
        "connection limit",
        LIMIT + " keep-alive connections at a limit of " + LIMIT + ", " + REFUSED + " more",
        "connections past the limit",
        2 * LIMIT + REFUSED + 1,
        REFUSED,
        "all "
            + REFUSED
            + " past the limit closed at once and counted (connection_limit), as intended; the "
            + LIMIT
            + " open connections and one after a close served, 200");
  }
}
