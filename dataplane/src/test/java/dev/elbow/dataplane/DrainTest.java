package dev.elbow.dataplane;

import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.uncheckedGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link DataPlane#drain}: unready and closed to new connections at once; an idle keep-alive
 * connection gets one more request answered (with "Connection: close") if it sends one within the
 * grace, else closes when the grace ends; a request in flight gets its whole answer (then its
 * connection closes), and what is still open at the deadline (a TCP connection) is cut.
 */
class DrainTest {

  @Test
  void inFlightFinishesIdleClosesTheDeadlineCutsTheRest() throws Exception {
    int http = FreePorts.next();
    int tcp = FreePorts.next();
    TestDataPlane dataPlane = TestDataPlane.start();
    try (DemoBackend web = DemoBackend.http("web", 0);
        DemoBackend echo = DemoBackend.tcp("echo", 0);
        Socket idle = new Socket();
        Socket late = new Socket();
        Socket busy = new Socket();
        Socket held = new Socket()) {
      dataPlane.apply(
          new Snapshot(
              1,
              List.of(
                  listener("ns/web", ListenerProtocol.HTTP, http, "ns/web"),
                  listener("ns/tcp", ListenerProtocol.TCP, tcp, "ns/tcp")),
              List.of(
                  uncheckedGroup("ns/web", BackendProtocol.HTTP, web.port()),
                  uncheckedGroup("ns/tcp", BackendProtocol.TCP, echo.port()))));
      idle.connect(new InetSocketAddress("127.0.0.1", http));
      send(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(RawHttp.readAll(idle, 500)).startsWith("HTTP/1.1 200");
      late.connect(new InetSocketAddress("127.0.0.1", http));
      send(late, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(RawHttp.readAll(late, 500)).startsWith("HTTP/1.1 200");
      busy.connect(new InetSocketAddress("127.0.0.1", http));
      send(busy, "GET /slow/1500 HTTP/1.1\r\nHost: x\r\n\r\n");
      held.connect(new InetSocketAddress("127.0.0.1", tcp));
      await().atMost(Duration.ofSeconds(5)).until(() -> active(dataPlane) == 2);

      CompletableFuture<Integer> drained =
          CompletableFuture.supplyAsync(() -> dataPlane.dataPlane().drain(Duration.ofSeconds(3)));
      await().atMost(Duration.ofSeconds(2)).until(() -> !dataPlane.dataPlane().ready());
      await().atMost(Duration.ofSeconds(2)).until(() -> !accepting(http));
      // A client that sends its next request as the drain begins gets its answer, then the close.
      send(late, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      String lastAnswer = RawHttp.readAll(late, 5_000);
      assertThat(lastAnswer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
      assertThat(late.getInputStream().read()).as("closed after that answer").isEqualTo(-1);
      idle.setSoTimeout(5_000);
      assertThat(idle.getInputStream().read()).as("the idle one, after the grace").isEqualTo(-1);

      String answer = RawHttp.readAll(busy, 5_000);
      assertThat(answer).startsWith("HTTP/1.1 200").contains("web");
      assertThat(busy.getInputStream().read()).as("closed after its answer").isEqualTo(-1);
      assertThat(drained.get()).as("connections the deadline cut: the TCP one").isEqualTo(1);
      assertThat(held.getInputStream().read()).isEqualTo(-1);
    } finally {
      dataPlane.close();
    }
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  private static boolean accepting(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Work in progress over every member: the slow request and the TCP connection. */
  @SuppressWarnings("unchecked")
  private static long active(TestDataPlane dataPlane) {
    Map<String, Map<String, Number>> active =
        (Map<String, Map<String, Number>>) dataPlane.dataPlane().stats().get("active");
    return active.values().stream()
        .flatMap(m -> m.values().stream())
        .mapToLong(Number::longValue)
        .sum();
  }
}
