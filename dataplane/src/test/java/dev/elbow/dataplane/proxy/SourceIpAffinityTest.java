package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.TcpTestClient;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.Snapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SOURCE_IP on a TCP listener: clients from 40 loopback addresses (127.0.0.2-41). */
class SourceIpAffinityTest {

  private static final int CLIENTS = 40;

  private TestDataPlane dataPlane;
  private final List<DemoBackend> backends = new java.util.ArrayList<>();
  private int port;
  private long version;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start();
    for (String name : List.of("a", "b", "c", "d")) {
      backends.add(DemoBackend.tcp(name, 0));
    }
    port = FreePorts.next();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    backends.forEach(DemoBackend::close);
  }

  private void serve(List<DemoBackend> members, int weightOfFirst) {
    List<MemberConfig> configs = new java.util.ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      configs.add(member(members.get(i).port(), i == 0 ? weightOfFirst : 1));
    }
    dataPlane.apply(
        new Snapshot(
            ++version,
            List.of(new ListenerConfig("d/db", ListenerProtocol.TCP, port, "d/db")),
            List.of(
                new GroupConfig(
                    "d/db",
                    BackendProtocol.TCP,
                    Algorithm.SOURCE_IP,
                    configs,
                    HealthCheckConfig.DISABLED))));
  }

  private Map<String, String> memberOfEachClient() {
    Map<String, String> members = new HashMap<>();
    for (int c = 2; c < 2 + CLIENTS; c++) {
      String client = "127.0.0." + c;
      String first = TcpTestClient.backendOf(port, client);
      for (int again = 0; again < 3; again++) {
        assertThat(TcpTestClient.backendOf(port, client)).as(client).isEqualTo(first);
      }
      members.put(client, first);
    }
    return members;
  }

  @Test
  void eachClientIpKeepsItsMemberAndRemovingOneMovesOnlyItsClients() {
    serve(backends, 1);
    Map<String, String> before = memberOfEachClient();
    assertThat(before.values()).as("clients spread over the members").contains("a", "b", "c", "d");

    serve(backends.subList(0, 3), 1); // d leaves
    Map<String, String> after = memberOfEachClient();
    before.forEach(
        (client, member) -> {
          if (!member.equals("d")) {
            assertThat(after.get(client)).as(client + " was not on d").isEqualTo(member);
          }
        });
    assertThat(after.values()).doesNotContain("d");
  }

  @Test
  void weightZeroGetsNoClient() {
    serve(backends, 0);
    assertThat(memberOfEachClient().values()).doesNotContain("a").contains("b", "c", "d");
  }
}
