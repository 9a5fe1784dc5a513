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

/** SOURCE_IP: clients from distinct loopback addresses (127.0.0.2 and up), over TCP and HTTP. */
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

  @Test
  void httpRequestsOfAClientIpGoToOneMemberAcrossRequestsAndConnections() throws Exception {
    List<DemoBackend> web = new java.util.ArrayList<>();
    for (String name : List.of("w1", "w2", "w3")) {
      web.add(DemoBackend.http(name, 0));
    }
    try {
      dataPlane.apply(
          new Snapshot(
              ++version,
              List.of(new ListenerConfig("d/web", ListenerProtocol.HTTP, port, "d/web")),
              List.of(
                  new GroupConfig(
                      "d/web",
                      BackendProtocol.HTTP,
                      Algorithm.SOURCE_IP,
                      web.stream().map(b -> member(b.port(), 1)).toList(),
                      HealthCheckConfig.DISABLED))));
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (int c = 2; c < 22; c++) {
        String client = "127.0.0." + c;
        String first = null;
        for (int connection = 0; connection < 2; connection++) {
          try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(client, 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            for (int request = 0; request < 3; request++) {
              String backend = backendOfKeepAliveRequest(socket);
              first = first == null ? backend : first;
              assertThat(backend).as(client).isEqualTo(first);
            }
          }
        }
        seen.add(first);
      }
      assertThat(seen)
          .as("clients spread over the members")
          .containsExactlyInAnyOrder("w1", "w2", "w3");
    } finally {
      web.forEach(DemoBackend::close);
    }
  }

  /** One keep-alive GET on the socket; the member's name from its x-backend header. */
  private static String backendOfKeepAliveRequest(java.net.Socket socket) throws Exception {
    socket
        .getOutputStream()
        .write(
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    java.io.InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      head.append((char) in.read());
    }
    String backend = null;
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      String lower = line.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("x-backend:")) {
        backend = line.substring(10).trim();
      } else if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
    return backend;
  }
}
