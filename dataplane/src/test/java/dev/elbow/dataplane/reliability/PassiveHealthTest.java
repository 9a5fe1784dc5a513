package dev.elbow.dataplane.reliability;

import static dev.elbow.dataplane.testing.Snapshots.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HealthCheckProtocol;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.PassiveHealth;
import dev.elbow.snapshot.Snapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Passive health for the two failures a connect cannot see: a member that accepts connections and
 * resets them before answering, and one that accepts and never answers. A reset before any answer
 * is retried once on another member, so the client sees no error; a request the member took and
 * never answered is not (the member may be working on it), so its client gets a 504. Either way the
 * member is ejected after 5 such failures in a row, though its TCP check keeps passing, and no
 * request reaches it while it is out.
 */
@Tag("reliability")
class PassiveHealthTest {

  private static final int RESPONSE_SECONDS = 1;

  @Test
  void aMemberThatResetsIsEjectedAndNoRequestFails() throws Exception {
    try (Misbehaving resetting = new Misbehaving(true)) {
      int sent = serveThrough(resetting, "connection reset", 200);
      ReliabilityRows.record(
          "member resets connections before answering",
          sent + " sequential GETs",
          "1 of 2 members accepts and resets every connection (its TCP check still passes)",
          sent,
          0,
          "each request it took retried on the other member; ejected after 5 resets in a row");
    }
  }

  @Test
  void aMemberThatNeverAnswersIsEjectedAfterFiveTimeouts() throws Exception {
    try (Misbehaving silent = new Misbehaving(false)) {
      int sent = serveThrough(silent, "no response within " + RESPONSE_SECONDS + "s", 504);
      ReliabilityRows.record(
          "member accepts and never answers",
          sent + " sequential GETs, response timeout " + RESPONSE_SECONDS + " s",
          "1 of 2 members accepts connections and reads, but never answers",
          sent,
          PassiveHealth.DEFAULT_CONSECUTIVE_FAILURES,
          "the 5 requests it took got 504 after the response timeout (not sent again: the member"
              + " had them whole); ejected after the fifth, so the rest went to the other");
    }
  }

  /**
   * Sends requests until the bad member has failed 5 in a row, and 20 more; returns how many were
   * sent. Those the bad member took get {@code badStatus}, the others 200.
   */
  private static int serveThrough(Misbehaving bad, String reason, int badStatus) throws Exception {
    int port = FreePorts.next();
    try (TestDataPlane dataPlane = TestDataPlane.start();
        DemoBackend good = DemoBackend.http("good", 0)) {
      dataPlane.apply(
          new Snapshot(
              1,
              List.of(
                  new ListenerConfig(
                      "ns/web",
                      ListenerProtocol.HTTP,
                      port,
                      "ns/web",
                      new ListenerTimeouts(300, 300, 60, 60, RESPONSE_SECONDS),
                      null)),
              List.of(
                  new GroupConfig(
                      "ns/web",
                      BackendProtocol.HTTP,
                      Algorithm.ROUND_ROBIN,
                      List.of(member(bad.port(), 1), member(good.port(), 1)),
                      // A TCP check passes on both, every 5 s; back only after 3 passes.
                      new HealthCheckConfig(
                          true, HealthCheckProtocol.TCP, null, 5, 2, 3, 2, null, null, null)))));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> health(dataPlane, bad.port()).state() == HealthState.HEALTHY);
      int sent = 0;
      int failed = 0;
      while (bad.requests.get() < PassiveHealth.DEFAULT_CONSECUTIVE_FAILURES) {
        int status = RawHttp.status(port, "/");
        assertThat(status).isIn(200, badStatus);
        failed += status == 200 ? 0 : 1;
        sent++;
      }
      assertThat(failed)
          .isEqualTo(badStatus == 200 ? 0 : PassiveHealth.DEFAULT_CONSECUTIVE_FAILURES);
      MemberHealth ejected = health(dataPlane, bad.port());
      assertThat(ejected.reason()).startsWith("ejected by passive health: 5 failures in a row");
      assertThat(ejected.reason()).contains(reason);
      assertThat(dataPlane.dataPlane().metrics())
          .contains(healthSeries(bad.port(), "unhealthy"))
          .contains(healthSeries(good.port(), "healthy"))
          .doesNotContain(healthSeries(bad.port(), "healthy"));
      int requests = bad.requests.get();
      for (int i = 0; i < 20; i++) {
        assertThat(RawHttp.backendOf(port, "/")).isEqualTo("good");
        sent++;
      }
      assertThat(bad.requests.get()).as("no request while ejected").isEqualTo(requests);
      return sent;
    }
  }

  private static String healthSeries(int port, String state) {
    return "elbow_member_health{group=\"ns/web\",member=\"127.0.0.1:"
        + port
        + "\",state=\""
        + state
        + "\"} 1.0";
  }

  private static MemberHealth health(TestDataPlane dataPlane, int port) {
    return dataPlane.dataPlane().status().groups().get(0).members().stream()
        .filter(m -> m.port() == port)
        .findFirst()
        .orElseThrow();
  }

  /**
   * A member that accepts connections and, once a request arrives, resets the connection or holds
   * it without a word. Health checks connect and send nothing, so they are not counted.
   */
  private static final class Misbehaving implements AutoCloseable {
    final ServerSocket server;
    final List<Socket> accepted = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();

    Misbehaving(boolean reset) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket socket = server.accept();
                    accepted.add(socket);
                    Thread reader = new Thread(() -> serve(socket, reset), "misbehaving-reader");
                    reader.setDaemon(true);
                    reader.start();
                  } catch (IOException e) {
                    // closed: the test is over
                  }
                }
              },
              "misbehaving-member");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void serve(Socket socket, boolean reset) {
      try {
        byte[] buffer = new byte[4096];
        while (socket.getInputStream().read(buffer) > 0) {
          requests.incrementAndGet();
          if (reset) {
            socket.setSoLinger(true, 0); // a reset, not a FIN
            socket.close();
            return;
          }
        }
      } catch (IOException e) {
        // the data plane or the test closed it
      }
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }
}
