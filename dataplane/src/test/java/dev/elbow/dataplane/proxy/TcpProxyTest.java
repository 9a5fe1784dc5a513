package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.group;
import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.dataplane.testing.Snapshots.tcpCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.TcpTestClient;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.transport.Transport;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.Snapshot;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy on the best transport here; subclasses run the same tests on the others. */
class TcpProxyTest {

  /** The transport under test. */
  protected Transport transport() {
    return Transport.best();
  }

  private TestDataPlane dataPlane;
  private DemoBackend a;
  private DemoBackend b;
  private int port;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start(TestDataPlane.options().transport(transport()));
    a = DemoBackend.tcp("a", 0);
    b = DemoBackend.tcp("b", 0);
    port = FreePorts.next();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    a.close();
    b.close();
  }

  private Snapshot snapshot(long version, int listenerPort, HealthCheckConfig check) {
    return new Snapshot(
        version,
        List.of(listener("ns/db", ListenerProtocol.TCP, listenerPort, "ns/db")),
        List.of(
            group(
                "ns/db",
                BackendProtocol.TCP,
                check,
                List.of(member(a.port(), 1), member(b.port(), 3)))));
  }

  @Test
  void aConnectionIdleForTheListenersTcpIdleTimeoutIsClosed() throws Exception {
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(
                new ListenerConfig(
                    "ns/db",
                    ListenerProtocol.TCP,
                    port,
                    "ns/db",
                    new ListenerTimeouts(10, 300, 60, 60, 60), // ELB's shortest TCP idle timeout
                    null)),
            List.of(
                group(
                    "ns/db",
                    BackendProtocol.TCP,
                    HealthCheckConfig.DISABLED,
                    List.of(member(a.port(), 1))))));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      // Bytes either way push the timeout back: 15 s of traffic every 5 s outlives 10 s of idle.
      for (int i = 0; i < 4; i++) {
        if (i > 0) {
          Thread.sleep(5_000);
        }
        socket.getOutputStream().write(("hello " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(in.readLine()).as("still open after %d s", 5 * i).isEqualTo("a: hello " + i);
      }
      long idleSince = System.nanoTime();
      assertThat(in.read()).as("closed by the proxy, not timed out by the test").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - idleSince))
          .isBetween(Duration.ofSeconds(9), Duration.ofSeconds(15));
    }
  }

  @Test
  void splitsConnectionsByWeight() {
    dataPlane.apply(snapshot(1, port, HealthCheckConfig.DISABLED));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      counts.merge(TcpTestClient.backendOf(port), 1, Integer::sum);
    }
    assertThat(counts).containsEntry("a", 50).containsEntry("b", 150);
  }

  @Test
  void relaysManyMegabytesBothWays() throws Exception {
    dataPlane.apply(snapshot(1, port, HealthCheckConfig.DISABLED));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      String line = "x".repeat(8000);
      int lines = 2_000; // 16 MB each way, more than any socket buffer holds
      Thread writer =
          new Thread(
              () -> {
                try {
                  OutputStream out = socket.getOutputStream();
                  for (int i = 0; i < lines; i++) {
                    out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                  }
                  out.flush();
                } catch (java.io.IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      writer.start();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String backend = null;
      for (int i = 0; i < lines; i++) {
        String answer = in.readLine();
        assertThat(answer).endsWith(line);
        String from = answer.substring(0, answer.indexOf(':'));
        assertThat(backend == null || backend.equals(from)).isTrue();
        backend = from;
      }
      writer.join();
    }
  }

  @Test
  void passesHalfClosesOn() throws Exception {
    dataPlane.apply(snapshot(1, port, HealthCheckConfig.DISABLED));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("last words\n".getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput(); // FIN: the answer must still come back
      InputStream in = socket.getInputStream();
      String answer = new String(in.readNBytes(64), StandardCharsets.US_ASCII);
      assertThat(answer).endsWith(": last words\n");
    }
  }

  @Test
  void retriesAnotherMemberWhenAConnectFails() {
    dataPlane.apply(snapshot(1, port, HealthCheckConfig.DISABLED));
    b.stop();
    for (int i = 0; i < 40; i++) {
      assertThat(TcpTestClient.backendOf(port)).isEqualTo("a");
    }
  }

  @Test
  void marksStoppedMembersUnhealthyWithTheReason() {
    dataPlane.apply(snapshot(1, port, tcpCheck(2, 1, 2)));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> health(b.port()).state() == HealthState.HEALTHY);
    b.stop();
    await()
        .atMost(Duration.ofSeconds(8))
        .until(() -> health(b.port()).state() == HealthState.UNHEALTHY);
    assertThat(health(b.port()).reason()).isEqualTo("connection refused");
    b.start();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> health(b.port()).state() == HealthState.HEALTHY);
    assertThat(health(b.port()).reason()).isNull();
  }

  @Test
  void removingAListenerClosesItsPortAndLeavesOthersAlone() throws Exception {
    int other = FreePorts.next();
    Snapshot two =
        new Snapshot(
            1,
            List.of(
                listener("ns/db", ListenerProtocol.TCP, port, "ns/db"),
                listener("ns/db2", ListenerProtocol.TCP, other, "ns/db")),
            snapshot(1, port, HealthCheckConfig.DISABLED).groups());
    dataPlane.apply(two);
    try (Socket open = new Socket("127.0.0.1", port)) {
      open.setSoTimeout(10_000);
      OutputStream out = open.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(open.getInputStream(), StandardCharsets.US_ASCII));
      out.write("one\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(in.readLine()).endsWith(": one");

      dataPlane.apply(snapshot(2, port, HealthCheckConfig.DISABLED)); // drops ns/db2 only

      assertThatThrownBy(() -> TcpTestClient.backendOf(other))
          .isInstanceOf(UncheckedIOException.class);
      assertThat(dataPlane.dataPlane().openPorts()).containsExactly(port);
      out.write(
          "two\n".getBytes(StandardCharsets.US_ASCII)); // the untouched listener's connection lives
      assertThat(in.readLine()).endsWith(": two");
    }
  }

  private MemberHealth health(int memberPort) {
    return dataPlane.dataPlane().status().groups().get(0).members().stream()
        .filter(m -> m.port() == memberPort)
        .findFirst()
        .orElseThrow();
  }
}
