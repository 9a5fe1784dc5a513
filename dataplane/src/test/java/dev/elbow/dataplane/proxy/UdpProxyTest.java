package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.dataplane.testing.Snapshots.udpCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.proxy.udp.UdpCounters;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.UdpEchoServer;
import dev.elbow.dataplane.testing.UdpTestClient;
import dev.elbow.dataplane.transport.Transport;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** UDP listeners end to end through the data plane, against real UDP backends on loopback. */
class UdpProxyTest {

  protected Transport transport() {
    return Transport.best();
  }

  private final List<AutoCloseable> closing = new ArrayList<>();
  private TestDataPlane dataPlane;
  private int port;

  private void start(int maxFlows, HealthCheckConfig check, UdpEchoServer... backends) {
    dataPlane =
        TestDataPlane.start(TestDataPlane.options().transport(transport()).udpMaxFlows(maxFlows));
    port = FreePorts.next();
    List<dev.elbow.snapshot.MemberConfig> members = new ArrayList<>();
    for (UdpEchoServer backend : backends) {
      members.add(member(backend.port(), 1));
    }
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(new ListenerConfig("d/dns", ListenerProtocol.UDP, port, "d/dns")),
            List.of(
                new GroupConfig(
                    "d/dns", BackendProtocol.UDP, Algorithm.ROUND_ROBIN, members, check))));
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    closing.add(resource);
    return resource;
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    if (dataPlane != null) {
      dataPlane.close();
    }
  }

  @Test
  void repliesReturnToTheClientThatAskedAndAFlowKeepsItsMember() {
    UdpEchoServer a = closeLater(UdpEchoServer.start("a"));
    UdpEchoServer b = closeLater(UdpEchoServer.start("b"));
    start(100, null, a, b);
    Set<String> membersSeen = new HashSet<>();
    for (int c = 0; c < 6; c++) {
      // Kept open to the end: a later client reusing a closed one's port would join its flow.
      UdpTestClient client = closeLater(new UdpTestClient(port));
      String first = client.request("hello " + c);
      assertThat(first).endsWith(":hello " + c);
      String member = first.substring(0, first.indexOf(':'));
      membersSeen.add(member);
      for (int i = 0; i < 20; i++) {
        assertThat(client.request("n" + i)).isEqualTo(member + ":n" + i);
      }
    }
    assertThat(membersSeen).as("flows are spread round robin").containsExactlyInAnyOrder("a", "b");
    // Each client flow had its own backend-side socket.
    assertThat(a.peers().size() + b.peers().size()).isEqualTo(6);
  }

  @Test
  void aFlowIdleForTheListenersUdpIdleTimeoutIsForgotten() {
    UdpEchoServer a = closeLater(UdpEchoServer.start("a"));
    dataPlane = TestDataPlane.start(TestDataPlane.options().transport(transport()));
    port = FreePorts.next();
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(
                new ListenerConfig(
                    "d/dns",
                    ListenerProtocol.UDP,
                    port,
                    "d/dns",
                    new ListenerTimeouts(300, 10, 60, 60, 60), // ELB's shortest UDP idle timeout
                    null)),
            List.of(
                new GroupConfig(
                    "d/dns",
                    BackendProtocol.UDP,
                    Algorithm.ROUND_ROBIN,
                    List.of(member(a.port(), 1)),
                    null))));
    UdpTestClient client = closeLater(new UdpTestClient(port));
    assertThat(client.request("1")).isEqualTo("a:1");
    UdpCounters counters = dataPlane.dataPlane().udpCounters(port);
    assertThat(counters.flowsOpen.sum()).isEqualTo(1);
    long idleSince = System.nanoTime();
    await().atMost(Duration.ofSeconds(15)).until(() -> counters.flowsOpen.sum() == 0);
    assertThat(Duration.ofNanos(System.nanoTime() - idleSince))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(9));
    // The client is served again, by a new flow with a new socket towards the member.
    assertThat(client.request("2")).isEqualTo("a:2");
    assertThat(counters.flowsOpened.sum()).isEqualTo(2);
    assertThat(a.peers()).hasSize(2);
  }

  @Test
  void aQuicGroupDropsAndCountsMalformedQuicAndHashesOtherDatagramsBySource() {
    UdpEchoServer a = closeLater(UdpEchoServer.start("a"));
    dataPlane = TestDataPlane.start(TestDataPlane.options().transport(transport()));
    port = FreePorts.next();
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(new ListenerConfig("d/h3", ListenerProtocol.UDP, port, "d/h3")),
            List.of(
                new GroupConfig(
                    "d/h3",
                    BackendProtocol.QUIC,
                    Algorithm.QUIC_CID,
                    List.of(member(a.port(), 1)),
                    HealthCheckConfig.DISABLED))));
    UdpTestClient client = closeLater(new UdpTestClient(port));
    // QUIC version 1 with a 21-byte destination ID, which version 1 forbids.
    byte[] malformed = new byte[40];
    malformed[0] = (byte) 0xc0;
    malformed[4] = 1;
    malformed[5] = 21;
    client.send(malformed);
    assertThat(client.receive()).as("dropped, not forwarded").isNull();
    UdpCounters counters = dataPlane.dataPlane().udpCounters(port);
    assertThat(counters.malformed.sum()).isEqualTo(1);
    assertThat(counters.flowsOpened.sum()).isZero();
    // Not QUIC at all (no fixed bit): forwarded, placed by the client's address.
    assertThat(client.request("plain")).isEqualTo("a:plain");
  }

  @Test
  void aFullFlowTableRefusesAndCountsNewFlowsAndServesTheOldOnes() throws Exception {
    UdpEchoServer a = closeLater(UdpEchoServer.start("a"));
    start(2, null, a);
    UdpTestClient one = closeLater(new UdpTestClient(port));
    UdpTestClient two = closeLater(new UdpTestClient(port));
    UdpTestClient three = closeLater(new UdpTestClient(port));
    assertThat(one.request("1")).isEqualTo("a:1");
    assertThat(two.request("2")).isEqualTo("a:2");
    UdpCounters counters = dataPlane.dataPlane().udpCounters(port);
    // With SO_REUSEPORT each socket has its own table, so fill every one before expecting a no.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try (UdpTestClient more = new UdpTestClient(port)) {
                more.request("x");
              }
              return counters.flowsRefused.sum() > 0;
            });
    assertThat(one.request("again")).isEqualTo("a:again");
    assertThat(three).isNotNull();
    // The admin API shows the refusals, for operators who never see this class.
    String stats = dataPlane.adminGet("/v1/stats");
    assertThat(stats).contains("\"" + port + "\"").contains("\"flowsRefused\":");
    assertThat(stats).doesNotContain("\"flowsRefused\":0");
  }

  @Test
  void aFlowWhoseMemberStopsMovesToAnotherMember() {
    UdpEchoServer a = closeLater(UdpEchoServer.start("a"));
    UdpEchoServer b = closeLater(UdpEchoServer.start("b"));
    start(100, udpCheck("ping", null), a, b);
    UdpTestClient client = closeLater(new UdpTestClient(port));
    String first = client.request("1");
    UdpEchoServer serving = first.startsWith("a:") ? a : b;
    String other = serving == a ? "b" : "a";
    serving.close();
    // The port-unreachable ends the flow, and the health check takes the member out.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(client.request("2")).isEqualTo(other + ":2"));
    assertThat(client.request("3")).isEqualTo(other + ":3");
  }

  @Test
  void udpChecksTellRepliesFromSilenceAndFromClosedPorts() {
    UdpEchoServer up = closeLater(UdpEchoServer.start("up"));
    UdpEchoServer quiet = closeLater(UdpEchoServer.start("quiet"));
    UdpEchoServer gone = UdpEchoServer.start("gone");
    gone.close();
    quiet.silent(true);
    start(100, udpCheck("ping", "up:"), up, quiet, gone);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              List<MemberHealth> members = dataPlane.dataPlane().status().groups().get(0).members();
              assertThat(members)
                  .extracting(MemberHealth::state)
                  .containsExactly(
                      HealthState.HEALTHY, HealthState.UNHEALTHY, HealthState.UNHEALTHY);
              assertThat(members.get(1).reason()).isEqualTo("no reply within 1s");
              assertThat(members.get(2).reason()).isEqualTo("port unreachable (ICMP)");
            });
    UdpTestClient client = closeLater(new UdpTestClient(port));
    for (int i = 0; i < 5; i++) {
      assertThat(client.request("q" + i)).isEqualTo("up:q" + i);
    }
  }
}
