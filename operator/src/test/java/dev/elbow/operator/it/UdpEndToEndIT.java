package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.check;
import static dev.elbow.operator.it.Resources.condition;
import static dev.elbow.operator.it.Resources.group;
import static dev.elbow.operator.it.Resources.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.HealthCheck;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.ListenerTimeouts;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.api.v1alpha1.MemberStatus;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.UdpEchoServer;
import dev.elbow.dataplane.testing.UdpTestClient;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * UDP through the whole product: a BackendServerGroup with UDP health checks and a UDP listener
 * applied to a real API server, status reporting each member, datagrams answered through the data
 * plane, and a TCP listener on the same port number accepted beside the UDP one.
 */
class UdpEndToEndIT {

  private static ElbowUnderTest elbow;
  private static KubernetesClient kube;
  private static String namespace;
  private static UdpEchoServer up;
  private static UdpEchoServer down;
  private static int port;

  @BeforeAll
  static void start() {
    elbow = ElbowUnderTest.start("udp");
    kube = elbow.kube;
    namespace = elbow.namespace;
    up = UdpEchoServer.start("up");
    down = UdpEchoServer.start("down");
    down.close(); // its port answers with ICMP port-unreachable
    port = FreePorts.next();
  }

  @AfterAll
  static void stop() {
    if (elbow != null) {
      elbow.close();
    }
    up.close();
  }

  @Test
  void udpGroupIsCheckedAndServedAndATcpListenerMayShareItsPortNumber() {
    var dns =
        group(
            namespace,
            "dns",
            BackendProtocol.UDP,
            check(2, 1, 1, 1, null),
            List.of(
                new Member("127.0.0.1", up.port(), 1), new Member("127.0.0.1", down.port(), 1)));
    dns.getSpec().getHealthCheck().setUdpSend("ping");
    dns.getSpec().getHealthCheck().setUdpExpect("up:ping");
    kube.resource(dns).create();
    Listener udp = listener(namespace, "dns", ListenerProtocol.UDP, port, "dns");
    ListenerTimeouts timeouts = new ListenerTimeouts();
    timeouts.setUdpIdleSeconds(30);
    udp.getSpec().setTimeouts(timeouts);
    kube.resource(udp).create();
    HealthCheck off = new HealthCheck();
    off.setEnabled(false);
    kube.resource(
            group(
                namespace,
                "dns-tcp",
                BackendProtocol.TCP,
                off,
                List.of(new Member("127.0.0.1", up.port(), 1))))
        .create();
    kube.resource(listener(namespace, "dns-tcp", ListenerProtocol.TCP, port, "dns-tcp")).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              BackendServerGroup group =
                  kube.resources(BackendServerGroup.class)
                      .inNamespace(namespace)
                      .withName("dns")
                      .get();
              assertThat(group.getStatus()).isNotNull();
              assertThat(group.getStatus().getMembers())
                  .extracting(MemberStatus::getHealth)
                  .containsExactly("Healthy", "Unhealthy");
              assertThat(group.getStatus().getMembers().get(1).getReason())
                  .contains("port unreachable");
            });
    for (String name : List.of("dns", "dns-tcp")) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Listener listener =
                    kube.resources(Listener.class).inNamespace(namespace).withName(name).get();
                assertThat(listener.getStatus()).isNotNull();
                assertThat(condition(listener.getStatus().getConditions(), "Ready"))
                    .get()
                    .extracting(Condition::getStatus)
                    .isEqualTo("True");
              });
    }

    Set<String> answers = new HashSet<>();
    try (UdpTestClient client = new UdpTestClient(port)) {
      for (int i = 0; i < 10; i++) {
        answers.add(client.request("q" + i).substring(0, 3));
      }
    }
    assertThat(answers).as("only the healthy member answers").containsExactly("up:");
  }
}
