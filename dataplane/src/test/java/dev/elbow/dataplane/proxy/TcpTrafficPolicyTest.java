package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.member;
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
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.StickySession;
import dev.elbow.snapshot.StickySessionType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Least connections, SOURCE_IP stickiness and weight-0 draining on a TCP listener. */
class TcpTrafficPolicyTest {

  private TestDataPlane dataPlane;
  private final List<DemoBackend> backends = new ArrayList<>();
  private final List<Held> held = new ArrayList<>();
  private int port;
  private long version;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start();
    for (String name : List.of("a", "b", "c")) {
      backends.add(DemoBackend.tcp(name, 0));
    }
    port = FreePorts.next();
  }

  @AfterEach
  void stop() {
    held.forEach(Held::close);
    dataPlane.close();
    backends.forEach(DemoBackend::close);
  }

  private void serve(Algorithm algorithm, StickySession sticky, int... weights) {
    List<dev.elbow.snapshot.MemberConfig> members = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      members.add(member(backends.get(i).port(), weights[i]));
    }
    dataPlane.apply(
        new Snapshot(
            ++version,
            List.of(new ListenerConfig("d/db", ListenerProtocol.TCP, port, "d/db")),
            List.of(
                new GroupConfig(
                    "d/db",
                    BackendProtocol.TCP,
                    algorithm,
                    members,
                    HealthCheckConfig.DISABLED,
                    null,
                    null,
                    sticky,
                    null))));
  }

  /** A connection kept open, with the name of the member that answered its first line. */
  private final class Held {
    final Socket socket = new Socket();
    final BufferedReader in;
    final String member;

    Held() throws IOException {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      member = ask("hello").split(":")[0];
      held.add(this);
    }

    String ask(String line) throws IOException {
      socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      return in.readLine();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing in cleanup; nothing to do
      }
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Integer> active() {
    return (Map<String, Integer>)
        ((Map<String, Object>) dataPlane.dataPlane().stats().get("active")).get("d/db");
  }

  private int activeOn(String name) {
    DemoBackend backend = backends.stream().filter(b -> b.name().equals(name)).findFirst().get();
    return active().get("127.0.0.1:" + backend.port());
  }

  @Test
  void leastConnectionsSendsNewConnectionsToTheMembersWithFewestOpen() throws Exception {
    serve(Algorithm.LEAST_CONNECTIONS, null, 1, 1, 1);
    for (int i = 0; i < 6; i++) {
      new Held();
    }
    assertThat(List.of(activeOn("a"), activeOn("b"), activeOn("c"))).containsExactly(2, 2, 2);

    // Close both of a's connections: the next two new ones must both go to a.
    held.stream().filter(h -> h.member.equals("a")).forEach(Held::close);
    await().atMost(Duration.ofSeconds(5)).until(() -> activeOn("a") == 0);
    assertThat(new Held().member).isEqualTo("a");
    assertThat(new Held().member).isEqualTo("a");
  }

  @Test
  void leastConnectionsHonoursWeights() throws Exception {
    serve(Algorithm.LEAST_CONNECTIONS, null, 3, 1, 0);
    for (int i = 0; i < 8; i++) {
      new Held();
    }
    assertThat(List.of(activeOn("a"), activeOn("b"), activeOn("c"))).containsExactly(6, 2, 0);
  }

  @Test
  void sourceIpStickinessKeepsEachClientIpOnOneMemberWhileRoundRobinGoesOn() {
    serve(
        Algorithm.ROUND_ROBIN,
        new StickySession(StickySessionType.SOURCE_IP, 10, null, false, null, null),
        1,
        1,
        1);
    Set<String> firstMembers = new HashSet<>();
    for (int c = 2; c < 12; c++) {
      String client = "127.0.0." + c;
      String first = TcpTestClient.backendOf(port, client);
      firstMembers.add(first);
      for (int i = 0; i < 20; i++) {
        assertThat(TcpTestClient.backendOf(port, client)).as(client).isEqualTo(first);
      }
    }
    assertThat(firstMembers).hasSize(3);
  }

  @Test
  void weightZeroTakesNoNewConnectionsWhileOpenOnesFinishAndShowsDraining() throws Exception {
    serve(Algorithm.ROUND_ROBIN, null, 1, 1, 1);
    Held onA = null;
    while (onA == null) {
      Held connection = new Held();
      onA = connection.member.equals("a") ? connection : null;
    }

    serve(Algorithm.ROUND_ROBIN, null, 0, 1, 1);
    for (int i = 0; i < 20; i++) {
      assertThat(TcpTestClient.backendOf(port)).isNotEqualTo("a");
    }
    assertThat(onA.ask("still there?")).isEqualTo("a: still there?");
    MemberHealth a =
        dataPlane.dataPlane().status().groups().get(0).members().stream()
            .filter(m -> m.port() == backends.get(0).port())
            .findFirst()
            .orElseThrow();
    assertThat(a.state()).isEqualTo(HealthState.DRAINING);
    assertThat(activeOn("a")).as("the open connection still counts").isEqualTo(1);
  }

  @Test
  void removingAMemberLeavesItsOpenConnectionsAlone() throws Exception {
    serve(Algorithm.ROUND_ROBIN, null, 1, 1, 1);
    Held onC = null;
    while (onC == null) {
      Held connection = new Held();
      onC = connection.member.equals("c") ? connection : null;
    }
    serve(Algorithm.ROUND_ROBIN, null, 1, 1); // c leaves the group
    for (int i = 0; i < 10; i++) {
      assertThat(TcpTestClient.backendOf(port)).isNotEqualTo("c");
    }
    assertThat(onC.ask("still there?")).isEqualTo("c: still there?");
  }
}
