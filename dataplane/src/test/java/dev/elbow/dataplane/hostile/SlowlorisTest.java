package dev.elbow.dataplane.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.snapshot.ListenerTimeouts;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Slowloris: clients that send their request head a byte every 100 ms. Each is answered 408 and
 * closed once the listener's request timeout (2 s here) has passed since it connected, however
 * steadily its bytes come; a well-behaved client is served meanwhile.
 */
@Tag("reliability")
class SlowlorisTest {

  private static final int REQUEST_SECONDS = 2;
  private static final int CLIENTS = 20;

  private final HostileHttp http =
      new HostileHttp(new ListenerTimeouts(300, 300, 60, REQUEST_SECONDS, 60));
  private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    trickle.shutdownNow();
    http.close();
  }

  /** One trickling client: when it connected, when the proxy closed it, and what it got. */
  private static final class Loris {
    final Socket socket;
    final long connected = System.nanoTime();
    final byte[] head =
        "GET / HTTP/1.1\r\nHost: x\r\nX-Padding: ".getBytes(StandardCharsets.US_ASCII);
    int sent;
    volatile long closed;
    volatile String answer = "";

    Loris(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      Thread reader = new Thread(this::read, "loris-reader");
      reader.setDaemon(true);
      reader.start();
    }

    void sendOne() {
      try {
        socket.getOutputStream().write(sent < head.length ? head[sent] : 'x');
        sent++;
      } catch (IOException e) {
        // closed by the proxy: the reader notes when
      }
    }

    private void read() {
      // Read as it comes: writes after the close draw a reset, which would lose a buffered answer.
      byte[] buffer = new byte[1024];
      try (InputStream in = socket.getInputStream()) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          answer += new String(buffer, 0, n, StandardCharsets.US_ASCII);
        }
      } catch (IOException e) {
        // a reset counts as closed too
      }
      closed = System.nanoTime();
    }
  }

  @Test
  void tricklingClientsAreCutOffAtTheRequestTimeout() throws Exception {
    List<Loris> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(new Loris(http.port));
    }
    trickle.scheduleAtFixedRate(
        () -> clients.forEach(Loris::sendOne), 0, 100, TimeUnit.MILLISECONDS);
    int served = 0;
    while (clients.stream().anyMatch(c -> c.closed == 0)) {
      String answer =
          RawHttp.exchange(
              http.port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2_000);
      assertThat(answer).startsWith("HTTP/1.1 200");
      served++;
      if (Duration.ofNanos(System.nanoTime() - clients.get(0).connected).toSeconds() > 10) {
        break;
      }
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> clients.stream().allMatch(c -> c.closed > 0));
    for (Loris loris : clients) {
      Duration held = Duration.ofNanos(loris.closed - loris.connected);
      assertThat(held)
          .as("how long a trickling client was held")
          .isBetween(Duration.ofMillis(REQUEST_SECONDS * 1000 - 100), Duration.ofMillis(3_500));
      assertThat(loris.answer).startsWith("HTTP/1.1 408 Request Timeout");
      assertThat(loris.sent).as("bytes it trickled").isGreaterThan(10);
      loris.socket.close();
    }
    assertThat(served).isPositive();
    assertThat(http.backend.requests()).hasSize(served);
    assertThat(http.backend.raw()).doesNotContain("X-Padding");
    ReliabilityRows.record(
        "HTTP slowloris",
        CLIENTS + " clients trickling a byte every 100 ms, " + served + " normal requests",
        "request timeout 2 s",
        CLIENTS + served,
        CLIENTS,
        "all "
            + CLIENTS
            + " trickling clients got 408 and were closed within 2-3.5 s of connecting, as"
            + " intended; none forwarded; all "
            + served
            + " normal requests 200");
  }
}
