package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.UdpEchoServer;
import dev.elbow.dataplane.testing.UdpTestClient;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.StickySession;
import dev.elbow.snapshot.StickySessionType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Least connections over HTTP (in-flight requests) and SOURCE_IP stickiness over UDP. */
class HttpUdpTrafficPolicyTest {

  private TestDataPlane dataPlane;
  private int port;
  private long version;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start();
    port = FreePorts.next();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
  }

  private void serve(
      ListenerProtocol listener,
      BackendProtocol protocol,
      Algorithm algorithm,
      StickySession sticky,
      List<Integer> ports) {
    dataPlane.apply(
        new Snapshot(
            ++version,
            List.of(new ListenerConfig("d/l", listener, port, "d/g")),
            List.of(
                new GroupConfig(
                    "d/g",
                    protocol,
                    algorithm,
                    ports.stream().map(p -> member(p, 1)).toList(),
                    HealthCheckConfig.DISABLED,
                    null,
                    null,
                    sticky,
                    null))));
  }

  @Test
  void leastConnectionsCountsInFlightHttpRequests() throws Exception {
    DemoBackend a = DemoBackend.http("a", 0);
    DemoBackend b = DemoBackend.http("b", 0);
    try {
      serve(
          ListenerProtocol.HTTP,
          BackendProtocol.HTTP,
          Algorithm.LEAST_CONNECTIONS,
          null,
          List.of(a.port(), b.port()));
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI base = URI.create("http://127.0.0.1:" + port);
      // One slow request in flight on one member: every quick request meanwhile goes to the other.
      CompletableFuture<HttpResponse<String>> slow =
          client.sendAsync(
              HttpRequest.newBuilder(base.resolve("/slow/3000")).build(),
              HttpResponse.BodyHandlers.ofString());
      await().atMost(Duration.ofSeconds(5)).until(() -> a.served() + b.served() == 1);
      String busy = a.served() == 1 ? "a" : "b";
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> quick =
            client.send(
                HttpRequest.newBuilder(base.resolve("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(quick.headers().firstValue("x-backend")).get().isNotEqualTo(busy);
      }
      assertThat(slow.join().headers().firstValue("x-backend")).hasValue(busy);
      @SuppressWarnings("unchecked")
      Map<String, Integer> active =
          (Map<String, Integer>)
              ((Map<String, Object>) dataPlane.dataPlane().stats().get("active")).get("d/g");
      assertThat(active.values()).as("nothing in flight once all answered").containsOnly(0);
      // The metrics count every request started, 21 in all over the two members.
      java.util.regex.Matcher started =
          java.util.regex.Pattern.compile(
                  "elbow_member_started_total\\{group=\"d/g\",member=\"[^\"]+\"} ([0-9.]+)")
              .matcher(dataPlane.dataPlane().metrics());
      double total = 0;
      while (started.find()) {
        total += Double.parseDouble(started.group(1));
      }
      assertThat(total).isEqualTo(21.0);
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void sourceIpStickinessKeepsEveryFlowOfAClientAddressOnOneMember() {
    List<UdpEchoServer> servers = new ArrayList<>();
    List<UdpTestClient> clients = new ArrayList<>();
    for (String name : List.of("u1", "u2", "u3")) {
      servers.add(UdpEchoServer.start(name));
    }
    try {
      List<Integer> ports = servers.stream().map(UdpEchoServer::port).toList();
      serve(ListenerProtocol.UDP, BackendProtocol.UDP, Algorithm.ROUND_ROBIN, null, ports);
      assertThat(membersOfNewFlows(6, clients))
          .as("without stickiness, flows go round robin")
          .hasSize(3);

      serve(
          ListenerProtocol.UDP,
          BackendProtocol.UDP,
          Algorithm.ROUND_ROBIN,
          new StickySession(StickySessionType.SOURCE_IP, 5, null, false, null, null),
          ports);
      assertThat(membersOfNewFlows(20, clients))
          .as("every flow from 127.0.0.1 on one member")
          .hasSize(1);
    } finally {
      clients.forEach(UdpTestClient::close);
      servers.forEach(UdpEchoServer::close);
    }
  }

  /**
   * Opens this many flows (a new local port each) and returns the members that answered. The
   * clients stay open (the caller closes them) so that no later flow can reuse an earlier one's
   * port: the data plane would rightly keep such a datagram on the earlier flow's member.
   */
  private Set<String> membersOfNewFlows(int flows, List<UdpTestClient> open) {
    Set<String> members = new HashSet<>();
    for (int i = 0; i < flows; i++) {
      UdpTestClient client = new UdpTestClient(port);
      open.add(client);
      String answer = client.request("hi");
      assertThat(answer).isNotNull();
      members.add(answer.substring(0, answer.indexOf(':')));
    }
    return members;
  }
}
