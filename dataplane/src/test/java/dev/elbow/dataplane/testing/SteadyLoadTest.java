package dev.elbow.dataplane.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The load client that zero-failure claims rest on: it must count a status line that is not one as
 * a failure (not die of it uncounted), and refuse to report a load it did not hold.
 */
class SteadyLoadTest {

  @Test
  void aGarbledStatusLineIsAFailureAndNoClientDies() throws IOException {
    try (ServerSocket garbage = RawHttp.server(request -> "HTTP/1.1 abc\r\n\r\n")) {
      SteadyLoad load = SteadyLoad.startNewConnectionEach(garbage.getLocalPort(), "/", 1, 20);
      sleep(Duration.ofSeconds(2));
      SteadyLoad.Result result = load.stop();
      assertThat(result.sent()).isPositive();
      assertThat(result.failed()).isEqualTo(result.sent());
      assertThat(result.reasons().keySet()).allMatch(r -> r.startsWith("NumberFormatException"));
    }
  }

  @Test
  void aLoadThatDidNotHoldFailsTheTest() throws IOException {
    // Answers each connection after 2 s: one client asked for 50 req/s gets about 0.5.
    try (ServerSocket slow =
        RawHttp.server(
            request -> {
              sleep(Duration.ofSeconds(2));
              return "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
            })) {
      SteadyLoad load = SteadyLoad.start(slow.getLocalPort(), "/", 1, 50);
      sleep(Duration.ofSeconds(1));
      assertThatThrownBy(load::stop)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("did not hold 90% of the rate");
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis()); // the load runs meanwhile
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
