package dev.elbow.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.TcpTestClient;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.Snapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connection draining: a terminating member gets nothing new and keeps what it has until the
 * group's deregistration delay runs out; so does a member that leaves the group.
 */
class DeregistrationTest {

  private TestDataPlane dataPlane;
  private final List<DemoBackend> backends = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();
  private int port;
  private long version;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start();
    for (String name : List.of("a", "b")) {
      backends.add(DemoBackend.tcp(name, 0));
    }
    port = FreePorts.next();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    dataPlane.close();
    backends.forEach(DemoBackend::close);
  }

  /** Serves a and b; {@code bState} is "serving", "draining" or "gone". */
  private void serve(String bState, int delaySeconds) {
    List<MemberConfig> members = new ArrayList<>();
    members.add(new MemberConfig("127.0.0.1", backends.get(0).port(), 1, "service/db", false));
    if (!bState.equals("gone")) {
      members.add(
          new MemberConfig(
              "127.0.0.1", backends.get(1).port(), 1, "service/db", bState.equals("draining")));
    }
    dataPlane.apply(
        new Snapshot(
            ++version,
            List.of(new ListenerConfig("d/db", ListenerProtocol.TCP, port, "d/db")),
            List.of(
                new GroupConfig(
                    "d/db",
                    BackendProtocol.TCP,
                    Algorithm.ROUND_ROBIN,
                    members,
                    HealthCheckConfig.DISABLED,
                    null,
                    null,
                    null,
                    null,
                    delaySeconds))));
  }

  /** A connection to b, kept open. */
  private BufferedReader connectionToB(Socket[] holder) throws IOException {
    while (true) {
      Socket socket = new Socket();
      sockets.add(socket);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      socket.getOutputStream().write("hi\n".getBytes(StandardCharsets.UTF_8));
      if (in.readLine().startsWith("b:")) {
        holder[0] = socket;
        return in;
      }
    }
  }

  private static String ask(Socket socket, BufferedReader in, String line) throws IOException {
    socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    return in.readLine();
  }

  @Test
  void aTerminatingMemberKeepsItsConnectionsUntilTheDelayThenTheyAreClosed() throws Exception {
    serve("serving", 2);
    Socket[] b = new Socket[1];
    BufferedReader fromB = connectionToB(b);

    serve("draining", 2);
    for (int i = 0; i < 10; i++) {
      assertThat(TcpTestClient.backendOf(port)).as("no new connection to b").isEqualTo("a");
    }
    assertThat(ask(b[0], fromB, "still there?")).isEqualTo("b: still there?");
    assertThat(dataPlane.dataPlane().status().groups().get(0).members().get(1).state())
        .isEqualTo(HealthState.DRAINING);

    // Once the 2 s are up, Elbow closes it: the client reads the end of the stream.
    await().atMost(Duration.ofSeconds(10)).until(() -> fromB.read() == -1);
  }

  @Test
  void aMemberThatLeavesTheGroupKeepsItsConnectionsForTheDelayToo() throws Exception {
    serve("serving", 1);
    Socket[] b = new Socket[1];
    BufferedReader fromB = connectionToB(b);
    serve("gone", 1);
    assertThat(ask(b[0], fromB, "after removal")).isEqualTo("b: after removal");
    await().atMost(Duration.ofSeconds(10)).until(() -> fromB.read() == -1);
  }

  // When a drain that was called off, or a member back in time, must not close connections is a
  // matter of deadlines, not of waiting: DeregistrationsTest runs them on a clock of its own.
}
